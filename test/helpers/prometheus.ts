// A real Prometheus server for integration tests: scrapes one target every second, on a free
// port, with its storage in a directory the test owns; queried over its HTTP API.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

const MISSING = 'prometheus is not installed: this test needs it (Debian: apt-get install -y prometheus; .ci/run installs it when run as root)';

/** The job name the scrape config gives the target. */
export const JOB = 'portplex';

export interface Prometheus {
  child: ChildProcess;
  port: number;
  /** The tail of its output, to explain a failure. */
  log: () => string;
}

/** One series of an instant query's answer. */
export interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

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

/** Starts prometheus scraping `target` every second and waits for /-/ready; a lost port race (early exit) is retried on another port. */
export async function startPrometheus(dir: string, target: string): Promise<Prometheus> {
  const config = path.join(dir, 'prometheus.yml');
  await writeFile(config, [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    `  - job_name: ${JOB}`,
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
    await stopPrometheus(child);
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
export async function stopPrometheus(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** An instant query: its series, or the error Prometheus gave (a parse error, say), and the raw answer. */
export async function instantQuery(port: number, expr: string): Promise<{ series: Series[]; error?: string; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = await res.text();
  const parsed = JSON.parse(body) as { status: string; error?: string; data?: { resultType?: string; result?: Series[] } };
  if (parsed.status !== 'success') return { series: [], error: parsed.error ?? `status ${parsed.status}`, body };
  if (parsed.data?.resultType !== 'vector') return { series: [], error: `a ${parsed.data?.resultType} result, not a vector`, body };
  return { series: parsed.data.result ?? [], body };
}

/** The value of the first series of an instant query, or undefined while there is none. */
export async function queryValue(port: number, expr: string): Promise<{ value: string | undefined; body: string }> {
  const { series, body } = await instantQuery(port, expr);
  return { value: series[0]?.value[1], body };
}
