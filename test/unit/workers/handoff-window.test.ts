import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HandoffWindow } from '../../../src/workers/handoff-window.js';

const item = (id: number, since: number) => ({ id, since });

test('an empty window: nothing in flight, nothing waited, never stalled', () => {
  const w = new HandoffWindow();
  assert.equal(w.size, 0);
  assert.equal(w.oldest, undefined);
  assert.equal(w.waited(1000), 0);
  assert.equal(w.missDeadline(1_000_000, 10), false, 'no connection, no deadline');
  assert.equal(w.stalled, false);
  assert.equal(w.take(1), undefined);
  assert.deepEqual(w.takeAll(), []);
});

test('oldest first: waited counts from the oldest, whichever is answered', () => {
  const w = new HandoffWindow();
  w.push(item(1, 100));
  w.push(item(2, 110));
  w.push(item(3, 120));
  assert.equal(w.size, 3);
  assert.equal(w.oldest?.id, 1);
  assert.equal(w.waited(150), 50);
  assert.deepEqual(w.take(2), item(2, 110), 'out of order');
  assert.equal(w.waited(150), 50, 'the oldest is still 1');
  assert.deepEqual(w.take(1), item(1, 100));
  assert.equal(w.oldest?.id, 3);
  assert.equal(w.waited(150), 30);
  assert.equal(w.take(1), undefined, 'answered twice');
  assert.equal(w.take(99), undefined, 'never in flight');
  assert.equal(w.size, 1);
});

test('takeAll empties the window, oldest first', () => {
  const w = new HandoffWindow();
  for (const id of [5, 6, 7]) w.push(item(id, id));
  assert.deepEqual(w.takeAll().map((h) => h.id), [5, 6, 7]);
  assert.equal(w.size, 0);
  assert.equal(w.oldest, undefined);
});

test('missDeadline: true once, strictly past the deadline, until an answer clears it', () => {
  const w = new HandoffWindow();
  w.push(item(1, 1000));
  w.push(item(2, 1050));
  const cases: Array<[number, boolean]> = [[1100, false], [1101, true], [1102, false], [5000, false]];
  for (const [now, expected] of cases) assert.equal(w.missDeadline(now, 100), expected, `at ${now}`);
  assert.equal(w.stalled, true);
  // An answer for any connection shows the process is alive, not only one for the oldest.
  w.take(2);
  assert.equal(w.stalled, false);
  assert.equal(w.missDeadline(1101, 100), true, 'the oldest still waits: a new miss');
  assert.equal(w.stalled, true);
});

test('an answer for an unknown id does not clear a stall', () => {
  const w = new HandoffWindow();
  w.push(item(1, 0));
  assert.equal(w.missDeadline(11, 10), true);
  assert.equal(w.take(42), undefined);
  assert.equal(w.stalled, true);
});

test('takeAll clears a stall', () => {
  const w = new HandoffWindow();
  w.push(item(1, 0));
  w.missDeadline(11, 10);
  w.takeAll();
  assert.equal(w.stalled, false);
  w.push(item(2, 100));
  assert.equal(w.missDeadline(111, 10), true);
});
