// A real Prometheus server scrapes the metrics endpoint and sees exactly the connections made.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startMetricsServer } from '../../src/metrics/http-endpoint.js';
import { createMasterMetrics } from '../../src/metrics/master-metrics.js';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';
import { JOB, queryValue, startPrometheus, stopPrometheus, type Prometheus } from '../helpers/prometheus.js';

const N = 25;

test(`prometheus scrapes /metrics and sums handed-over connections to exactly ${N}`, { timeout: 90000 }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portplex-prometheus-'));
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 2 });
  const metrics = createMasterMetrics(master);
  const server = await startMetricsServer(master, metrics.registry, { port: 0 });
  let prometheus: Prometheus | undefined;
  try {
    prometheus = await startPrometheus(dir, `127.0.0.1:${server.port}`);
    for (let i = 0; i < N; i++) assert.equal((await get(port, `/r${i}`)).status, 200);
    await waitFor(() => master.stats.handedOver === N, 2000, `${N} acknowledged hand-overs`);

    const expr = 'sum(portplex_connections_handed_over_total)';
    let last: { value: string | undefined; body: string } = { value: undefined, body: '' };
    const end = Date.now() + 20000;
    while (Date.now() < end) {
      last = await queryValue(prometheus.port, expr);
      if (last.value === String(N)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const up = await queryValue(prometheus.port, `up{job="${JOB}"}`);
    assert.equal(last.value, String(N), `${expr} never reached ${N}; last answer ${last.body}; up: ${up.body}\nprometheus output:\n${prometheus.log()}`);
    assert.equal(up.value, '1');
  } finally {
    if (prometheus) await stopPrometheus(prometheus.child);
    await master.stop();
    await server.close();
    metrics.close();
    await rm(dir, { recursive: true, force: true });
  }
});
