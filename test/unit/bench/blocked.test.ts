import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockedMarkdown, count, summariseBlocked, type BlockedRound } from '../../../bench/blocked.js';

test('count: served within the duration, slow whenever answered, failed apart', () => {
  const s = (start: number, ms: number, ok = true) => ({ start, ms, ok, kind: 'light' });
  assert.deepEqual(count([s(0, 5), s(100, 2000), s(2400, 50), s(2490, 20), s(10, Number.NaN, false)], 2500), { served: 3, slow: 1, failed: 1 });
});

test('summaries are medians per worker count and setup, in first-seen order', () => {
  const r = (setup: string, workers: number, served: number, slow: number): BlockedRound => ({ setup, workers, served, slow, failed: 0, blockAnswered: true });
  const rows = summariseBlocked([r('a', 3, 10, 1), r('b', 3, 5, 9), r('a', 3, 30, 3), r('a', 4, 7, 0)]);
  assert.deepEqual(rows.map((x) => [x.workers, x.setup, x.served, x.slow, x.rounds]), [[3, 'a', 20, 2, 2], [3, 'b', 5, 9, 1], [4, 'a', 7, 0, 1]]);
  assert.match(blockedMarkdown(rows), /\| 3 \| a \| 20 \| 2 \| 0 \|/);
});
