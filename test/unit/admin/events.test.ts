// The admin `events` command: the contract's request checks (a bad since or limit is BAD_REQUEST
// naming the field and the value) and its answer, { events, last }, from the master's ring.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdminError, events } from '../../../src/admin/commands.js';
import { EventRing } from '../../../src/master/events.js';
import type { Master } from '../../../src/master/master.js';

/** A master whose ring (capacity 5) holds events 1..n. */
function masterWith(n: number): Master {
  const ring = new EventRing(5);
  for (let i = 1; i <= n; i++) ring.add(i % 2 ? 'exit' : 'start', `m${i}`, { worker: 1, pid: 10 + i, group: 'default' }, 5000 + i);
  return { events: ring.view() } as unknown as Master;
}

const seqs = (r: { events: Array<{ seq: number }> }): number[] => r.events.map((e) => e.seq);

describe('admin events', () => {
  it('without since: the newest limit (default 100), oldest first, and the newest seq held', () => {
    assert.deepEqual(seqs(events(masterWith(4), { cmd: 'events' })), [1, 2, 3, 4]);
    assert.deepEqual(seqs(events(masterWith(4), { cmd: 'events', limit: 2 })), [3, 4]);
    assert.equal(events(masterWith(4), { cmd: 'events', limit: 2 }).last, 4);
  });

  it('with since: the events after it, at most limit; past a wrap, from the oldest held', () => {
    assert.deepEqual(seqs(events(masterWith(4), { cmd: 'events', since: 2 })), [3, 4]);
    assert.deepEqual(seqs(events(masterWith(4), { cmd: 'events', since: 0, limit: 1 })), [1]);
    assert.deepEqual(seqs(events(masterWith(9), { cmd: 'events', since: 1 })), [5, 6, 7, 8, 9]);
    assert.deepEqual(events(masterWith(4), { cmd: 'events', since: 4 }), { events: [], last: 4 });
  });

  it('an empty master: no events, last 0', () => {
    assert.deepEqual(events(masterWith(0), { cmd: 'events' }), { events: [], last: 0 });
  });

  it('an event as the contract has it: seq, at, kind, message, worker, pid, group', () => {
    assert.deepEqual(events(masterWith(2), { cmd: 'events', limit: 1 }).events, [
      { seq: 2, at: 5002, kind: 'start', message: 'm2', worker: 1, pid: 12, group: 'default' },
    ]);
  });

  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ since: -1 }, /^since: expected a whole number >= 0 \(an event's seq\), got -1$/],
    [{ since: 1.5 }, /^since: expected .*, got 1\.5$/],
    [{ since: '3' }, /^since: expected .*, got "3"$/],
    [{ since: null }, /^since: expected .*, got null$/],
    [{ limit: 0 }, /^limit: expected a whole number 1-1000, got 0$/],
    [{ limit: 1001 }, /^limit: expected a whole number 1-1000, got 1001$/],
    [{ limit: 'all' }, /^limit: expected a whole number 1-1000, got "all"$/],
  ];
  for (const [fields, message] of bad) {
    it(`refuses ${JSON.stringify(fields)} with BAD_REQUEST naming it`, () => {
      assert.throws(() => events(masterWith(3), { cmd: 'events', ...fields }), (err: unknown) => {
        assert.ok(err instanceof AdminError);
        assert.equal(err.code, 'BAD_REQUEST');
        assert.match(err.message, message);
        return true;
      });
    });
  }
});
