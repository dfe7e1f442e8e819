// Starts real masters and workers for integration tests, and talks to them with real clients.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { createMaster, type Master } from '../../src/index.js';
import type { UserConfig } from '../../src/config/types.js';

/** The project root (tests run from dist/test/...). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = `${ROOT}dist/src/cli/main.js`;

export function fixture(name: string): string {
  return `${ROOT}test/fixtures/${name}`;
}

/** A started master on 127.0.0.1:<random port> with every worker ready. */
export async function startMaster(config: UserConfig): Promise<{ master: Master; port: number }> {
  const master = createMaster({ listen: '127.0.0.1:0', grace: 3000, ...config });
  master.on('error', () => {}); // tests inspect master.closed instead
  const [listener] = await master.start();
  await master.whenReady();
  return { master, port: listener.port };
}

/** Connects and resolves with the first line the server sends. */
export function firstLine(port: number, socket = new net.Socket()): Promise<{ line: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    let buf = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    const onData = (d: string): void => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        socket.off('data', onData);
        resolve({ line: buf.slice(0, nl), socket });
      }
    };
    socket.on('data', onData);
    socket.connect(port, '127.0.0.1');
  });
}

/**
 * GET over HTTP/1.1 on a connection of its own that ends with the answer (no agent: fetch on
 * newer Nodes keeps connections alive whatever the header says, and a draining worker waits
 * for an idle kept-alive connection's next request); resolves with status and body.
 */
export function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (err: NodeJS.ErrnoException) => reject(new Error(`GET ${path}: ${err.code ?? err.message}`)));
    });
    req.on('error', (err: NodeJS.ErrnoException) => reject(new Error(`GET ${path}: ${err.code ?? err.message}`)));
  });
}

/** Polls `predicate` every 20 ms until true, or fails after `ms`. */
export async function waitFor(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs the CLI as a child process, collecting its output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: string | null }> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exited };
}

/** Waits until the CLI printed its listening line and all workers are ready; returns the bound port. */
export async function cliPort(output: () => string, ms = 10000): Promise<number> {
  let port = 0;
  await waitFor(() => {
    const m = /listening on [^\s]+:(\d+) /.exec(output());
    if (m) port = Number(m[1]);
    return port > 0 && /workers ready in/.test(output());
  }, ms, `the CLI's listening and ready lines in:\n${output()}`);
  return port;
}

/** Runs one short `portplex` command (status, drain, ...) to completion; never rejects. */
export function portplex(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Waits until the master behind admin socket `sock` has completed `n` hand-overs in all (from
 * `portplex status --json`). A balancer's order holds for hand-overs that are complete: a worker
 * whose answer is still on its way is passed over while another is idle.
 */
export async function handedOver(sock: string, n: number, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const { stdout } = await portplex('status', '--json', '--admin', sock);
    let done = -1;
    try {
      done = (JSON.parse(stdout) as { workers: Array<{ handedOver: number }> }).workers.reduce((sum, w) => sum + w.handedOver, 0);
    } catch {
      // Not up yet: ask again.
    }
    if (done >= n) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${n} hand-overs (${done} done)`);
    await new Promise((r) => setImmediate(r));
  }
}

/** A TCP port free on every address right now (bound dual-stack, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ port: 0, host: '::' }, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Connects to host:port; resolves 'connected' or the error code (ECONNREFUSED, ...). */
export function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** True while process `pid` exists (signal 0 checks without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits for the CLI's "metrics on http://127.0.0.1:PORT/metrics" line; returns the port. */
export async function cliMetricsPort(output: () => string, ms = 10000): Promise<number> {
  let port = 0;
  await waitFor(() => {
    port = Number(/metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(output())?.[1] ?? 0);
    return port > 0;
  }, ms, `the metrics line in:\n${output()}`);
  return port;
}

/**
 * Sends SIGTERM to `child`, then probes `/readyz` on `metricsPort` one request after another
 * until it answers 503 (three probes at most); returns the statuses and the ms it took. Only a
 * probe read in the same turn as the signal, before the master handled it, may still be 200.
 */
export async function readyzAfterSigterm(child: ChildProcess, metricsPort: number): Promise<{ probes: number[]; ms: number }> {
  child.kill('SIGTERM');
  const sent = Date.now();
  const probes: number[] = [];
  while (probes.at(-1) !== 503 && probes.length < 3) probes.push((await get(metricsPort, '/readyz')).status);
  return { probes, ms: Date.now() - sent };
}
