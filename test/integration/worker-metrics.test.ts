// Worker metrics on the master's endpoint: an application's own prom-client metrics and the
// default ones, aggregated or per worker, lint-clean in every mode, and a blocked worker left out
// of a scrape after the timeout instead of holding it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import type { Master } from '../../src/index.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/http-endpoint.js';
import { createMasterMetrics } from '../../src/metrics/master-metrics.js';
import type { WorkerMetricsMode } from '../../src/metrics/worker-families.js';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';
import { parseExposition, select, sum, value, type Exposition } from '../helpers/prom-text.js';

const N = 10;

interface Ctx { master: Master; port: number; server: MetricsServer }

async function withCluster(
  options: { workerMetrics: WorkerMetricsMode; workerTimeoutMs?: number; env?: Record<string, string> },
  body: (ctx: Ctx) => Promise<void>,
): Promise<void> {
  const { env, ...endpoint } = options;
  const { master, port } = await startMaster({ script: fixture('worker-metrics-app.js'), workers: 2, ...(env ? { env } : {}) });
  const metrics = createMasterMetrics(master);
  const server = await startMetricsServer(master, metrics.registry, { port: 0, ...endpoint });
  try {
    await body({ master, port, server });
  } finally {
    await master.stop();
    await server.close();
    metrics.close();
  }
}

async function scrapeText(server: MetricsServer): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

/** `promtool check metrics` on `text`: lint output must be empty and the exit code 0. */
async function assertPromtoolClean(text: string): Promise<void> {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new Error('promtool is not installed: this test needs it (Debian: apt-get install -y prometheus)') : err));
    child.on('close', (c) => resolve({ code: c, output: out }));
    child.stdin.on('error', () => {});
    child.stdin.end(text);
  });
  assert.equal(output.trim(), '', `promtool reported problems:\n${output}`);
  assert.equal(code, 0);
}

/** N requests, round-robin over the 2 workers, all finished (app_inflight back to 0). */
async function traffic(ctx: Ctx): Promise<void> {
  for (let i = 0; i < N; i++) assert.equal((await get(ctx.port, `/r${i}`)).status, 200);
  await waitFor(() => ctx.master.stats.handedOver === N, 2000, `${N} hand-overs`);
}

function assertMasterCounters(e: Exposition, timeouts: number): void {
  assert.equal(value(e, 'portplex_worker_metrics_timeouts_total'), timeouts);
  for (const reason of ['name_clash', 'label_clash', 'type_mismatch', 'invalid']) {
    assert.equal(value(e, 'portplex_worker_metrics_dropped_total', { reason }), 0, reason);
  }
}

test('aggregate (default): application counters summed across workers, default metrics on', async () => {
  await withCluster({ workerMetrics: 'aggregate' }, async (ctx) => {
    await traffic(ctx);
    const text = await scrapeText(ctx.server);
    const e = parseExposition(text);
    assert.equal(value(e, 'app_requests_total'), N);
    assert.equal(value(e, 'app_inflight'), 0);
    assert.equal(e.types.get('app_inflight'), 'gauge');
    assert.equal(select(e, 'process_cpu_user_seconds_total').length, 1, 'one aggregated series');
    // Default metrics start at the first scrape, so CPU seconds may still read 0 here.
    assert.ok(value(e, 'process_cpu_user_seconds_total') >= 0);
    assert.equal(value(e, 'nodejs_version_info', { version: process.version }), 1, "'first' aggregator");
    assert.ok(e.samples.every((s) => !('worker' in s.labels) || s.name.startsWith('portplex_')), 'no per-worker series');
    assert.equal(sum(e, 'portplex_connections_handed_over_total'), N, "the master's metrics are still there");
    assertMasterCounters(e, 0);
    await assertPromtoolClean(text);
  });
});

test('per-worker: the same names with a worker label, instead of the aggregate', async () => {
  await withCluster({ workerMetrics: 'per-worker' }, async (ctx) => {
    await traffic(ctx);
    const text = await scrapeText(ctx.server);
    const e = parseExposition(text);
    const one = value(e, 'app_requests_total', { worker: '1' });
    const two = value(e, 'app_requests_total', { worker: '2' });
    assert.equal(one + two, N);
    assert.deepEqual([one, two], [N / 2, N / 2], 'round-robin');
    assert.equal(select(e, 'app_requests_total').length, 2);
    for (const worker of ['1', '2']) {
      assert.ok(value(e, 'process_cpu_user_seconds_total', { worker }) >= 0);
      // Omitted from an aggregate, kept per worker.
      assert.ok(value(e, 'process_start_time_seconds', { worker }) > 0);
    }
    assertMasterCounters(e, 0);
    await assertPromtoolClean(text);
  });
});

test('both: the aggregate plus per-worker series under _by_worker names', async () => {
  await withCluster({ workerMetrics: 'both' }, async (ctx) => {
    await traffic(ctx);
    const text = await scrapeText(ctx.server);
    const e = parseExposition(text);
    assert.equal(value(e, 'app_requests_total'), N);
    assert.equal(value(e, 'app_requests_by_worker_total', { worker: '1' }) + value(e, 'app_requests_by_worker_total', { worker: '2' }), N);
    assert.equal(e.types.get('app_requests_by_worker_total'), 'counter');
    assert.equal(select(e, 'app_inflight_by_worker').length, 2);
    assert.equal(e.types.get('nodejs_gc_duration_seconds_by_worker'), 'histogram');
    assert.ok(value(e, 'process_cpu_user_seconds_by_worker_total', { worker: '2' }) >= 0);
    assertMasterCounters(e, 0);
    await assertPromtoolClean(text);
  });
});

test('off: only the master metrics', async () => {
  await withCluster({ workerMetrics: 'off' }, async (ctx) => {
    await traffic(ctx);
    const text = await scrapeText(ctx.server);
    const e = parseExposition(text);
    assert.ok([...e.types.keys()].every((n) => n.startsWith('portplex_')), [...e.types.keys()].join(', '));
    assert.equal(select(e, 'portplex_worker_metrics_timeouts_total').length, 0);
    await assertPromtoolClean(text);
  });
});

test('a worker with a blocked event loop is left out after workerTimeoutMs; the scrape is not held', async () => {
  const timeoutMs = 500;
  await withCluster({ workerMetrics: 'per-worker', workerTimeoutMs: timeoutMs }, async (ctx) => {
    // 2 requests each, then one that blocks the worker whose turn it is for 3 s.
    for (let i = 0; i < 4; i++) await get(ctx.port, '/');
    const blocking = get(ctx.port, '/block?ms=3000');
    await waitFor(() => ctx.master.stats.handedOver === 5, 2000, 'the blocking request handed over');
    // The acknowledgement comes before the application's handler runs: let it start blocking.
    await new Promise((r) => setTimeout(r, 200));

    const started = Date.now();
    const text = await scrapeText(ctx.server);
    const took = Date.now() - started;
    assert.ok(took < timeoutMs + 500, `the scrape took ${took} ms with a ${timeoutMs} ms worker timeout`);
    assert.ok(took >= timeoutMs - 50, `the scrape waited for the blocked worker (${took} ms)`);
    const e = parseExposition(text);
    const answered = select(e, 'app_requests_total');
    assert.equal(answered.length, 1, 'only the worker that is not blocked');
    assert.equal(answered[0].value, 2);
    assert.equal(value(e, 'portplex_worker_metrics_timeouts_total'), 1);
    assert.equal(value(e, 'portplex_worker_up', { worker: '1', group: 'default' }), 1, 'the master part is complete');
    await assertPromtoolClean(text);

    assert.equal((await blocking).status, 200);
    // Back: both workers again, and the counter keeps its 1.
    const after = parseExposition(await scrapeText(ctx.server));
    assert.equal(sum(after, 'app_requests_total'), 5);
    assert.equal(select(after, 'app_requests_total').length, 2);
    assert.equal(value(after, 'portplex_worker_metrics_timeouts_total'), 1);
  });
});

test("a worker's portplex_* family is dropped and counted; the master's value stands", async () => {
  await withCluster({ workerMetrics: 'both', env: { CLASH: '1' } }, async (ctx) => {
    await traffic(ctx);
    const text = await scrapeText(ctx.server);
    const e = parseExposition(text);
    assert.equal(value(e, 'portplex_connections_accepted_total', { listener: '0' }), N);
    assert.equal(select(e, 'portplex_connections_accepted_total').length, 1);
    assert.equal(select(e, 'portplex_connections_accepted_by_worker_total').length, 0);
    assert.equal(value(e, 'portplex_worker_metrics_dropped_total', { reason: 'name_clash' }), 2, 'one per worker');
    assert.equal(value(e, 'app_requests_total'), N);
    await assertPromtoolClean(text);
    const again = parseExposition(await scrapeText(ctx.server));
    assert.equal(value(again, 'portplex_worker_metrics_dropped_total', { reason: 'name_clash' }), 4, 'counted per scrape');
  });
});
