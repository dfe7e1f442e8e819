import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Heartbeat } from '../../../src/health/heartbeat.js';

test('before any ping: not started, nothing to answer', () => {
  const h = new Heartbeat();
  assert.deepEqual([h.started, h.answered, h.loopDelayMs, h.rttMs], [false, true, 0, 0]);
  assert.equal(h.answer(0, 5, 10), false, 'no ping 0 went out');
  assert.equal(h.loopDelayMs, 0);
});

test('an answer to the last ping records its delay and round trip, once', () => {
  const h = new Heartbeat();
  h.sent(1, 1000);
  assert.deepEqual([h.started, h.answered], [true, false]);
  assert.equal(h.answer(1, 7, 1012), true);
  assert.deepEqual([h.answered, h.loopDelayMs, h.rttMs], [true, 7, 12]);
  assert.equal(h.answer(1, 99, 2000), false, 'a duplicate');
  assert.deepEqual([h.loopDelayMs, h.rttMs], [7, 12]);
});

test('an answer to an earlier ping is ignored', () => {
  const h = new Heartbeat();
  h.sent(1, 1000);
  h.sent(2, 2000);
  assert.equal(h.answered, false);
  assert.equal(h.answer(1, 50, 2001), false);
  assert.deepEqual([h.answered, h.loopDelayMs, h.rttMs], [false, 0, 0]);
  assert.equal(h.answer(3, 50, 2001), false, 'a ping never sent');
  assert.equal(h.answer(2, 3, 2005), true);
  assert.deepEqual([h.loopDelayMs, h.rttMs], [3, 5]);
});

test('a new ping makes the last answer stale until it is answered', () => {
  const h = new Heartbeat();
  h.sent(1, 0);
  h.answer(1, 1, 4);
  h.sent(2, 100);
  assert.equal(h.answered, false);
  assert.deepEqual([h.loopDelayMs, h.rttMs], [1, 4], 'the last answer stays readable');
});

test('an answer carries the process\'s resources; a late one does not overwrite them', () => {
  const h = new Heartbeat();
  assert.deepEqual(h.usage, { rss: -1, heapUsed: -1, cpu: -1 }, 'unknown before any answer');
  h.sent(1, 0);
  assert.equal(h.answer(1, 2, 3, { rss: 50e6, heapUsed: 9e6, cpu: 0.25 }), true);
  assert.deepEqual(h.usage, { rss: 50e6, heapUsed: 9e6, cpu: 0.25 });
  h.sent(2, 100);
  assert.equal(h.answer(1, 2, 101, { rss: 1, heapUsed: 1, cpu: 1 }), false);
  assert.deepEqual(h.usage, { rss: 50e6, heapUsed: 9e6, cpu: 0.25 });
});
