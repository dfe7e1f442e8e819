// Metrics of a real master with real workers, scraped over the real endpoint, checked for exact values.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { channels } from '../../../src/diagnostics.js';
import type { Master } from '../../../src/index.js';
import { BROKEN_REASONS } from '../../../src/ipc/frame-channel.js';
import { startMetricsServer, type MetricsServer } from '../../../src/metrics/http-endpoint.js';
import { createMasterMetrics, exitReason, type MasterMetrics } from '../../../src/metrics/master-metrics.js';
import { fixture, get, startMaster, waitFor } from '../../helpers/cluster.js';
import { parseExposition, select, sum, value, type Exposition } from '../../helpers/prom-text.js';
import { rawExchange } from '../../helpers/raw-exchange.js';

const DROP_REASONS = ['queue_full', 'queue_timeout', 'handoff_failed', 'shutdown', 'accept_failed', 'table_full', 'fd_limit'];
const RETRY_REASONS = ['refused', 'timeout', 'worker_exit'];

async function withMetrics(workers: number, body: (ctx: { master: Master; port: number; metrics: MasterMetrics; server: MetricsServer }) => Promise<void>): Promise<void> {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers });
  const metrics = createMasterMetrics(master);
  // Worker families are tested in worker-metrics-*.test.ts; here only the master's own.
  const server = await startMetricsServer(master, metrics.registry, { port: 0, workerMetrics: 'off' });
  try {
    await body({ master, port, metrics, server });
  } finally {
    await master.stop();
    await server.close();
    metrics.close();
  }
}

async function scrape(server: MetricsServer): Promise<Exposition> {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  assert.equal(res.status, 200);
  return parseExposition(await res.text());
}

test('after N requests a scrape reports exact totals, and scraping again does not add them up', async () => {
  const N = 20;
  await withMetrics(2, async ({ master, port, metrics, server }) => {
    assert.equal(server.address, '127.0.0.1', 'loopback by default');
    for (let i = 0; i < N; i++) assert.equal((await get(port, `/r${i}`)).status, 200);
    await waitFor(() => master.stats.handedOver === N, 2000, `${N} acknowledged hand-overs`);
    await waitFor(() => master.table.size === 0, 5000, 'the connection table to empty');

    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(res.headers.get('content-type'), metrics.registry.contentType);
    const e = parseExposition(await res.text());

    assert.equal(value(e, 'portplex_connections_accepted_total', { listener: '0', address: `127.0.0.1:${port}` }), N);
    assert.equal(sum(e, 'portplex_connections_handed_over_total'), N);
    // Round-robin over 2 workers.
    assert.equal(value(e, 'portplex_connections_handed_over_total', { worker: '1' }), N / 2);
    assert.equal(value(e, 'portplex_connections_handed_over_total', { worker: '2' }), N / 2);
    for (const reason of DROP_REASONS) assert.equal(value(e, 'portplex_connections_dropped_total', { reason }), 0, reason);
    for (const reason of RETRY_REASONS) assert.equal(value(e, 'portplex_handoff_retries_total', { reason }), 0, reason);
    for (const reason of BROKEN_REASONS) assert.equal(value(e, 'portplex_ipc_broken_channels_total', { reason }), 0, reason);
    for (const name of ['portplex_handoff_timeouts_total', 'portplex_ipc_malformed_messages_total', 'portplex_accept_errors_total', 'portplex_queue_connections', 'portplex_table_records']) {
      assert.equal(value(e, name), 0, name);
    }
    for (const worker of ['1', '2']) {
      const labels = { worker, group: 'default' };
      assert.equal(value(e, 'portplex_worker_up', labels), 1);
      assert.equal(value(e, 'portplex_worker_ready', labels), 1);
      assert.equal(value(e, 'portplex_worker_weight', labels), 1);
      assert.equal(value(e, 'portplex_worker_healthy', labels), 1);
      assert.ok(value(e, 'portplex_worker_event_loop_delay_seconds', labels) >= 0);
      assert.equal(value(e, 'portplex_worker_restarts_total', labels), 0);
      assert.equal(value(e, 'portplex_connections_active', { worker }), 0);
      for (const reason of ['clean', 'error', 'signal']) assert.equal(value(e, 'portplex_worker_exits_total', { worker, reason }), 0);
    }
    assert.equal(value(e, 'portplex_handoff_duration_seconds_count'), N);
    assert.equal(value(e, 'portplex_handoff_duration_seconds_bucket', { le: '+Inf' }), N);
    assert.ok(value(e, 'portplex_handoff_duration_seconds_sum') >= 0);
    assert.equal(select(e, 'portplex_handoff_duration_seconds_bucket').length, 15, '14 bounds and +Inf');

    // Every metric family is declared with the type its name promises.
    for (const [name, type] of e.types) {
      const expected = name.endsWith('_total') ? 'counter' : name === 'portplex_handoff_duration_seconds' ? 'histogram' : 'gauge';
      assert.equal(type, expected, name);
    }
    assert.equal(e.types.size, 45, '27 families, 3 of sticky sessions, 6 of worker resources and recycles, and 9 of UDP');

    // Totals are copied from the master at each scrape, never added to the previous scrape's.
    const again = await scrape(server);
    assert.equal(sum(again, 'portplex_connections_handed_over_total'), N);
    assert.equal(value(again, 'portplex_connections_accepted_total', { listener: '0' }), N);
    assert.equal(value(again, 'portplex_handoff_duration_seconds_count'), N);
  });
});

test('worker resources: memory, heap, CPU and uptime per worker once it has answered a heartbeat; recycles start at 0', async () => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 2, healthInterval: 50 });
  const metrics = createMasterMetrics(master);
  const server = await startMetricsServer(master, metrics.registry, { port: 0, workerMetrics: 'off' });
  try {
    for (let i = 0; i < 4; i++) assert.equal((await get(port)).status, 200);
    // Two answers after the requests: the rate is between samples, the second one sees them.
    await waitFor(() => master.workers().every((w) => w.rssBytes !== null && w.cpuPercent !== null), 5000, 'a heartbeat answer from each worker');
    const e = await scrape(server);
    for (const w of master.workers()) {
      const labels = { worker: String(w.id), group: 'default' };
      const rss = value(e, 'portplex_worker_resident_memory_bytes', labels);
      const heap = value(e, 'portplex_worker_heap_used_bytes', labels);
      // A Node process is some megabytes resident, and its heap is part of that.
      assert.ok(rss > 8 * 1024 * 1024 && rss < 4 * 1024 ** 3, `rss ${rss}`);
      assert.ok(heap > 0 && heap < rss, `heap ${heap} of rss ${rss}`);
      const cpu = value(e, 'portplex_worker_cpu_ratio', labels);
      assert.ok(cpu >= 0 && cpu <= 64, `cpu ${cpu}`);
      assert.ok(value(e, 'portplex_worker_uptime_seconds', labels) > 0);
      assert.ok(value(e, 'portplex_worker_connections_per_second', labels) >= 0);
      for (const reason of ['memory', 'connections', 'requests', 'lifetime']) assert.equal(value(e, 'portplex_worker_recycles_total', { worker: String(w.id), reason }), 0, reason);
    }
  } finally {
    await master.stop();
    await server.close();
    metrics.close();
  }
});

test('active connections show per worker while clients hold them', async () => {
  await withMetrics(2, async ({ master, port, server }) => {
    const held = [new net.Socket(), new net.Socket(), new net.Socket()];
    try {
      for (const [i, s] of held.entries()) {
        await new Promise<void>((resolve) => s.connect(port, '127.0.0.1', resolve));
        // Round-robin's order holds for hand-overs that are complete.
        await waitFor(() => master.stats.handedOver === i + 1, 2000, `hand-over ${i + 1}`);
      }
      const e = await scrape(server);
      assert.equal(value(e, 'portplex_connections_active', { worker: '1' }), 2);
      assert.equal(value(e, 'portplex_connections_active', { worker: '2' }), 1);
      assert.equal(value(e, 'portplex_table_records'), 3);
    } finally {
      for (const s of held) s.destroy();
    }
  });
});

test('/healthz, /readyz, unknown paths, methods and request bodies', async () => {
  const { master } = await startMaster({ script: fixture('http-app.js'), workers: 2 });
  const metrics = createMasterMetrics(master);
  const server = await startMetricsServer(master, metrics.registry, { port: 0 });
  const url = (path: string): string => `http://127.0.0.1:${server.port}${path}`;
  try {
    let res = await fetch(url('/healthz'));
    assert.deepEqual([res.status, await res.text()], [200, 'ok\n']);
    res = await fetch(url('/readyz'));
    assert.deepEqual([res.status, await res.text()], [200, 'ready\n']);
    res = await fetch(url('/metrics?name[]=x'));
    assert.equal(res.status, 200);
    await res.text();
    res = await fetch(url('/nope'));
    assert.equal(res.status, 404);
    await res.text();
    res = await fetch(url('/metrics'), { method: 'POST', body: 'x' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET');
    await res.text();

    // A declared body over the limit is refused before it is read; so is a chunked one.
    const declared = await rawExchange(server.port, 'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n' + 'x'.repeat(10));
    assert.match(declared, /^HTTP\/1\.1 413 /);
    const chunk = 'x'.repeat(4096);
    const chunked = await rawExchange(server.port, `POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    assert.match(chunked, /^HTTP\/1\.1 413 /);

    // Once the master has stopped it is neither alive nor ready, and /readyz names the listener.
    assert.equal(await master.stop(), 0);
    res = await fetch(url('/readyz'));
    assert.equal(res.status, 503);
    assert.match(await res.text(), /master has stopped/);
    res = await fetch(url('/healthz'));
    assert.equal(res.status, 503);
    await res.text();
  } finally {
    await master.stop();
    await server.close();
    metrics.close();
  }
});

test('/readyz is 503 naming the listener while its only worker is down', async () => {
  // Dying within minUptime makes the restart wait restartDelay: the worker stays down while we look.
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 1, minUptime: 60000, restartDelay: 60000, restartDelayMax: 60000 });
  const metrics = createMasterMetrics(master);
  const server = await startMetricsServer(master, metrics.registry, { port: 0 });
  try {
    process.kill(master.workers()[0].pid, 'SIGKILL');
    await waitFor(() => master.workers()[0].state === 'exited', 5000, 'the worker to exit');
    const res = await fetch(`http://127.0.0.1:${server.port}/readyz`);
    assert.equal(res.status, 503);
    assert.equal(await res.text(), `not ready: listener 0 (127.0.0.1:${port}) has no ready worker\n`);
    const e = await scrape(server);
    assert.equal(value(e, 'portplex_worker_up', { worker: '1' }), 0);
    assert.equal(value(e, 'portplex_worker_ready', { worker: '1' }), 0);
    assert.equal(value(e, 'portplex_worker_exits_total', { worker: '1', reason: 'signal' }), 1);
  } finally {
    await master.stop();
    await server.close();
    metrics.close();
  }
});

test('a killed worker counts as a signal exit and a restart; a clean stop counts clean exits', async () => {
  await withMetrics(2, async ({ master, server }) => {
    const old = master.workers()[0].pid;
    process.kill(old, 'SIGKILL');
    await waitFor(() => master.workers()[0].state === 'ready' && master.workers()[0].pid !== old, 10000, 'worker 1 to be restarted');
    let e = await scrape(server);
    assert.equal(value(e, 'portplex_worker_exits_total', { worker: '1', reason: 'signal' }), 1);
    assert.equal(sum(e, 'portplex_worker_exits_total'), 1);
    assert.equal(value(e, 'portplex_worker_restarts_total', { worker: '1' }), 1);
    assert.equal(value(e, 'portplex_worker_restarts_total', { worker: '2' }), 0);
    assert.equal(value(e, 'portplex_worker_ready', { worker: '1' }), 1);

    assert.equal(await master.stop(), 0);
    e = await scrape(server);
    assert.equal(value(e, 'portplex_worker_exits_total', { worker: '1', reason: 'clean' }), 1);
    assert.equal(value(e, 'portplex_worker_exits_total', { worker: '2', reason: 'clean' }), 1);
    assert.equal(sum(e, 'portplex_worker_up'), 0);
  });
});

test('two masters in one process: each registry counts only its own master; close() detaches', async () => {
  const a = await startMaster({ script: fixture('http-app.js'), workers: 1 });
  const b = await startMaster({ script: fixture('http-app.js'), workers: 1 });
  const ma = createMasterMetrics(a.master);
  const mb = createMasterMetrics(b.master);
  try {
    for (let i = 0; i < 5; i++) await get(a.port);
    await waitFor(() => a.master.stats.handedOver === 5, 2000, '5 hand-overs on a');
    const ea = parseExposition(await ma.registry.metrics());
    const eb = parseExposition(await mb.registry.metrics());
    assert.equal(value(ea, 'portplex_handoff_duration_seconds_count'), 5);
    assert.equal(value(eb, 'portplex_handoff_duration_seconds_count'), 0);
    assert.equal(sum(eb, 'portplex_connections_handed_over_total'), 0);

    ma.close();
    assert.ok(channels.handedOver.hasSubscribers, "b's metrics still listen");
    mb.close();
    assert.equal(channels.handedOver.hasSubscribers, false, 'nobody listens: the hot path publishes nothing');
    assert.equal(channels.workerExit.hasSubscribers, false);
    assert.equal((await ma.registry.metrics()).trim(), '', 'close() removed the metrics');
    // The names are free again: a new set for the same registry registers without a clash.
    createMasterMetrics(a.master, { registry: ma.registry }).close();
  } finally {
    ma.close();
    mb.close();
    await Promise.all([a.master.stop(), b.master.stop()]);
  }
});

test('exit reasons are a bounded set', () => {
  assert.equal(exitReason(0, null), 'clean');
  assert.equal(exitReason(1, null), 'error');
  assert.equal(exitReason(null, 'SIGKILL'), 'signal');
});
