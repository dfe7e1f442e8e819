// startMetricsServer() refuses worker-metrics options it cannot honour, before it listens.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Master } from '../../../src/index.js';
import { startMetricsServer } from '../../../src/metrics/http-endpoint.js';
import { Registry } from 'prom-client';

// Never reached: the options are checked first.
const master = {} as Master;

test('an unknown workerMetrics mode is a TypeError', async () => {
  await assert.rejects(startMetricsServer(master, new Registry(), { port: 0, workerMetrics: 'sum' as never }), TypeError);
});

test('workerTimeoutMs must be a whole number of ms below the request timeout', async () => {
  for (const workerTimeoutMs of [0, -1, 1.5, Number.NaN, 10000, Infinity]) {
    await assert.rejects(startMetricsServer(master, new Registry(), { port: 0, workerTimeoutMs }), RangeError, String(workerTimeoutMs));
  }
});
