import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCrashLoop, nextUnstableCount, restartDelay } from '../../../src/supervisor/backoff.js';

const policy = { restartDelay: 100, restartDelayMax: 1000, minUptime: 1000, maxRestarts: 3 };

test('delays double per consecutive unstable start and are capped', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 10].map((n) => restartDelay(n, policy)), [0, 100, 200, 400, 800, 1000, 1000]);
});

test('a worker that was ready and stayed up resets the count; anything else adds one', () => {
  assert.equal(nextUnstableCount(3, 5000, true, policy), 0);
  assert.equal(nextUnstableCount(3, 999, true, policy), 4);
  assert.equal(nextUnstableCount(3, 5000, false, policy), 4);
});

test('crash loop once the count passes maxRestarts', () => {
  assert.deepEqual([3, 4].map((n) => isCrashLoop(n, policy)), [false, true]);
});
