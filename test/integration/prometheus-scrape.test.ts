// A real Prometheus server scrapes the metrics endpoint and sees exactly the connections made.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startMetricsServer } from '../../src/metrics/http-endpoint.js';
import { createMasterMetrics } from '../../src/metrics/master-metrics.js';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

const MISSING = 'prometheus is not installed: this test needs it (Debian: apt-get install -y prometheus; .ci/run installs it when run as root)';
const N = 25;

/** A port that was free a moment ago (the kernel picks it; a race with others is retried below). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  port: number;
  log: () => string;
}

/** Starts prometheus and waits for /-/ready; a lost port race (early exit) is retried on another port. */
async function startPrometheus(dir: string, target: string): Promise<Running> {
  const config = path.join(dir, 'prometheus.yml');
  await writeFile(config, [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    '  - job_name: portplex',
    '    static_configs:',
    `      - targets: ['${target}']`,
    '',
  ].join('\n'));
  let lastLog = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn('prometheus', [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, `data${attempt}`)}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    // Keep the tail only: enough to explain a failure.
    const keep = (d: Buffer): void => { log = (log + d.toString()).slice(-8000); };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exited = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('exit', () => { exited = true; });
    child.on('error', (err: NodeJS.ErrnoException) => { spawnError = err; exited = true; });
    const end = Date.now() + 15000;
    while (!exited && Date.now() < end) {
      if (await ok(`http://127.0.0.1:${port}/-/ready`)) return { child, port, log: () => log };
      await new Promise((r) => setTimeout(r, 100));
    }
    if (spawnError?.code === 'ENOENT') throw new Error(MISSING);
    if (spawnError) throw spawnError;
    await stop(child);
    lastLog = log;
  }
  throw new Error(`prometheus did not become ready in 3 attempts; its last output:\n${lastLog}`);
}

async function ok(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** The value of a scalar-like instant query (first series), or undefined while there is none. */
async function query(port: number, expr: string): Promise<{ value: string | undefined; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = await res.text();
  const parsed = JSON.parse(body) as { status: string; data?: { result?: Array<{ value: [number, string] }> } };
  return { value: parsed.data?.result?.[0]?.value[1], body };
}

test(`prometheus scrapes /metrics and sums handed-over connections to exactly ${N}`, { timeout: 90000 }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portplex-prometheus-'));
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 2 });
  const metrics = createMasterMetrics(master);
  const server = await startMetricsServer(master, metrics.registry, { port: 0 });
  let prometheus: Running | undefined;
  try {
    prometheus = await startPrometheus(dir, `127.0.0.1:${server.port}`);
    for (let i = 0; i < N; i++) assert.equal((await get(port, `/r${i}`)).status, 200);
    await waitFor(() => master.stats.handedOver === N, 2000, `${N} acknowledged hand-overs`);

    const expr = 'sum(portplex_connections_handed_over_total)';
    let last: { value: string | undefined; body: string } = { value: undefined, body: '' };
    const end = Date.now() + 20000;
    while (Date.now() < end) {
      last = await query(prometheus.port, expr);
      if (last.value === String(N)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const up = await query(prometheus.port, 'up{job="portplex"}');
    assert.equal(last.value, String(N), `${expr} never reached ${N}; last answer ${last.body}; up: ${up.body}\nprometheus output:\n${prometheus.log()}`);
    assert.equal(up.value, '1');
  } finally {
    if (prometheus) await stop(prometheus.child);
    await master.stop();
    await server.close();
    metrics.close();
    await rm(dir, { recursive: true, force: true });
  }
});
