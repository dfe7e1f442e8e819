// `portplex events`: the gap a follower reports when the master's ring overwrote events it had
// not read yet, and the time of day each line starts with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clock, missedAfter } from '../../../src/cli/events-command.js';

const answer = (seqs: number[], last: number): { events: Array<{ seq: number }>; last: number } => ({ events: seqs.map((seq) => ({ seq })), last });

describe('events command', () => {
  const cases: Array<[string, number, ReturnType<typeof answer>, number]> = [
    ['the next one follows: none missed', 7, answer([8, 9], 9), 0],
    ['nothing new: none missed', 9, answer([], 9), 0],
    ['since 0 on a fresh master', 0, answer([1], 1), 0],
    ['the ring holds from 513 on, the follower had 12: 500 missed', 12, answer([513, 514], 1012), 500],
    ['one overwritten', 3, answer([5], 5), 1],
    ['a since past the newest (asked too far): none', 50, answer([], 9), 0],
  ];
  for (const [name, since, r, expected] of cases) {
    it(name, () => assert.equal(missedAfter(since, r), expected));
  }

  it('prints local time of day as HH:MM:SS.mmm', () => {
    const at = new Date(2024, 5, 1, 7, 4, 9, 42).getTime();
    assert.equal(clock(at), '07:04:09.042');
    assert.equal(clock(new Date(2024, 5, 1, 23, 59, 59, 999).getTime()), '23:59:59.999');
  });
});
