import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Handoff } from '../../../src/workers/handoff.js';
import { PendingQueue } from '../../../src/master/pending-queue.js';

const h = (id: number, listener = 0, since = 0): Handoff =>
  new Handoff(id, { close() {}, getpeername: () => 0 }, listener, listener, '', 0, 'IPv4', 0, since);

test('FIFO per listener, one bound for all lanes', () => {
  const q = new PendingQueue(2, 3);
  assert.ok(q.push(h(1, 0)) && q.push(h(2, 1)) && q.push(h(3, 0)));
  assert.equal(q.push(h(4, 1)), false, 'full at capacity');
  assert.equal(q.size, 3);
  assert.equal(q.shift(0)?.id, 1);
  assert.equal(q.shift(0)?.id, 3);
  assert.equal(q.shift(0), undefined);
  assert.equal(q.peek(1)?.id, 2);
  q.unshift(h(5, 1));
  assert.deepEqual([q.shift(1)?.id, q.shift(1)?.id, q.shift(1)], [5, 2, undefined]);
  assert.equal(q.size, 0);
});

test('stays FIFO across compaction of a long lane', () => {
  const q = new PendingQueue(1, 10000);
  for (let i = 0; i < 5000; i++) q.push(h(i));
  const out: number[] = [];
  for (let i = 0; i < 3000; i++) out.push(q.shift(0)!.id);
  for (let i = 5000; i < 6000; i++) q.push(h(i));
  for (let x = q.shift(0); x; x = q.shift(0)) out.push(x.id);
  assert.deepEqual(out, Array.from({ length: 6000 }, (_, i) => i));
});

test('expire takes out every connection queued before the cutoff, wherever it is in its lane', () => {
  const q = new PendingQueue(2, 10);
  const at = (id: number, since: number, lane = 0): Handoff => h(id, lane, since);
  q.push(at(1, 50));
  q.push(at(2, 10));
  q.push(at(3, 60));
  q.push(at(4, 5, 1));
  q.unshift(at(0, 100));
  const out: number[] = [];
  q.expire(0, 40, (x) => out.push(x.id));
  assert.deepEqual(out, [2]);
  assert.equal(q.size, 4);
  assert.deepEqual([q.shift(0)?.id, q.shift(0)?.id, q.shift(0)?.id, q.shift(0)?.id], [0, 1, 3, undefined]);
  assert.equal(q.peek(1)?.id, 4, 'another lane untouched');
});
