// Samples kept between frames, and the sparkline drawn from them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopStatus } from '../../../../src/cli/top/data.js';
import { History, sparkline } from '../../../../src/cli/top/history.js';
import { status } from './frames.js';

test('sparkline: eight heights scaled to the largest value, a space for 0, right-aligned', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7, 8], 9), ' ▁▂▃▄▅▆▇█');
  assert.equal(sparkline([8, 4], 5), '   █▄');
  assert.equal(sparkline([0, 0, 0], 3), '   ');
  // The smallest non-zero value still shows.
  assert.equal(sparkline([0.01, 100], 2), '▁█');
  // Only the last `cells` samples, scaled among themselves.
  assert.equal(sparkline([1000, 1, 2], 2), '▄█');
  assert.equal(sparkline([1, 2], 0), '');
});

test('history: the last 20 conn/s of each worker, forgotten when the worker is gone', () => {
  const h = new History();
  for (let i = 1; i <= 25; i++) h.record(status({ rates: [i, 2 * i] }), i * 1000);
  assert.deepEqual(h.samples(1), Array.from({ length: 20 }, (_, i) => i + 6));
  assert.deepEqual(h.samples(2), Array.from({ length: 20 }, (_, i) => 2 * (i + 6)));
  h.record(status({ rates: [1] }), 26000);
  assert.deepEqual(h.samples(2), []);
  assert.equal(h.samples(1).length, 20);
});

test('history: a listener\'s rate from its accept counter between two answers', () => {
  const h = new History();
  const s = (accepted: number[]): TopStatus => ({ ...status({ rates: [0] }), stats: { accepted, queued: [0, 0] } });
  h.record(s([100, 5]), 10000);
  assert.equal(h.listenerRate(0), undefined, 'one answer gives no rate');
  h.record(s([150, 5]), 12000);
  assert.equal(h.listenerRate(0), 25);
  assert.equal(h.listenerRate(1), 0);
  // Another master's counter starts again: no rate for that interval.
  h.record(s([3, 1]), 13000);
  assert.equal(h.listenerRate(0), undefined);
  h.record(s([13, 1]), 14000);
  assert.equal(h.listenerRate(0), 10);
});
