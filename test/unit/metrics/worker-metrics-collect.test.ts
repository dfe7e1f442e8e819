// The worker side, in this process: the application's prom-client (resolved from the main
// script, here this test file) is read, and default metrics are on exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import client from 'prom-client';
import { collectWorkerMetrics, startWorkerMetrics, useWorkerRegistries } from '../../../src/metrics/worker-metrics.js';

type Family = { name: string; type: string; values: Array<{ value: number }> };
const names = (list: unknown[]): string[] => (list as Family[]).map((f) => f.name);

test("the application's global registry, plus default metrics it did not turn on, lint-clean", async () => {
  const requests = new client.Counter({ name: 'app_requests_total', help: 'Requests.' });
  requests.inc(3);
  const first = (await collectWorkerMetrics()) as Family[];
  assert.equal(first.find((f) => f.name === 'app_requests_total')?.values[0].value, 3);
  assert.ok(names(first).includes('process_cpu_user_seconds_total'));
  assert.ok(names(first).includes('nodejs_active_handles'));
  for (const n of names(first)) {
    const f = first.find((x) => x.name === n)!;
    assert.ok(f.type === 'counter' || !n.endsWith('_total'), `${n} is a ${f.type} named *_total`);
  }
  assert.equal(new Set(names(first)).size, first.length, 'each name once');
  // Not in the global registry: the application may still turn them on itself, later.
  assert.equal(client.register.getSingleMetric('process_cpu_user_seconds_total'), undefined);
  startWorkerMetrics(); // already started: nothing new
  const again = await collectWorkerMetrics();
  assert.deepEqual(names(again), names(first));
});

test('an application that turns default metrics on later gets no error, and its own are used', async () => {
  client.collectDefaultMetrics();
  const list = await collectWorkerMetrics();
  assert.equal(new Set(names(list)).size, list.length, 'no duplicate families');
  assert.ok(names(list).includes('nodejs_active_handles_total'), "the application's own defaults, as they are");
});

test('registries given to useWorkerRegistries() are read too; the global one wins a name', async () => {
  const mine = new client.Registry();
  new client.Gauge({ name: 'app_private', help: 'h', registers: [mine] }).set(4);
  new client.Gauge({ name: 'app_requests_total', help: 'h', registers: [mine] }).set(99);
  useWorkerRegistries(mine);
  try {
    const list = (await collectWorkerMetrics()) as Family[];
    assert.equal(list.find((f) => f.name === 'app_private')?.values[0].value, 4);
    assert.equal(list.find((f) => f.name === 'app_requests_total')?.values[0].value, 3);
  } finally {
    useWorkerRegistries();
  }
});
