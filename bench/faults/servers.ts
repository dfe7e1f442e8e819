// The servers a fault trial starts: portplex with the flags the trial tests, Node's cluster and
// HAProxy in front of single processes, each under a descriptor limit (prlimit execs the server,
// so the pid is the server's) and each serving bench/apps/hello.js.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { childPids } from '../cpu.js';
import { rawRequest } from './clients.js';
import { freePort, readyOrStop, start, stop, waitForOutput, waitHttp, type Proc } from '../procs.js';
import { APP, ROOT } from '../setups.js';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const CLUSTER_APP = join(ROOT, 'bench/apps/cluster.js');

/** A flag this build of portplex does not know: the trial reports "not supported" instead of failing. */
export class Unsupported extends Error {}

export interface FaultServer {
  name: string;
  port: number;
  /** The process that accepts: portplex's master, cluster's primary, HAProxy. */
  proc: Proc;
  /** portplex's metrics port, else null. */
  metricsPort: number | null;
  /** The processes serving requests now. */
  servingPids(): number[];
  stop(): Promise<void>;
}

export interface ServerOptions {
  tmp: string;
  workers: number;
  /** RLIMIT_NOFILE, soft and hard, of the server and (inherited) its workers; none when absent. */
  nofile?: number;
  env?: Record<string, string>;
}

/** `command args` under the descriptor limit, if any. */
function limited(nofile: number | undefined, command: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  if (nofile === undefined) return start(command, args, { cwd: ROOT, env });
  return start('prlimit', [`--nofile=${nofile}:${nofile}`, command, ...args], { cwd: ROOT, env });
}

/** Stops `proc` and rethrows with its output when `wait` fails or it exits first; an option this build lacks is Unsupported. */
function ready(proc: Proc, wait: () => Promise<unknown>): Promise<void> {
  return readyOrStop(proc, wait, (err, out) => {
    const unknown = /unknown option '([^']+)'/.exec(out);
    return unknown ? new Unsupported(`${unknown[1]} is not an option of this build`) : new Error(`${err.message}\n${out}`);
  });
}

/**
 * portplex on 127.0.0.1:<free port> with `flags` (e.g. ['--preread', 'http']), metrics on; ready
 * once a request (after `prefix`, a PROXY header where the listener wants one) is answered.
 */
export async function startPortplex(name: string, flags: string[], o: ServerOptions, prefix?: Buffer): Promise<FaultServer> {
  const port = await freePort();
  const metricsPort = await freePort();
  const args = [CLI, '-w', String(o.workers), '-l', `127.0.0.1:${port}`, '--admin', join(o.tmp, `${name}.sock`),
    '--metrics', `127.0.0.1:${metricsPort}`, '--grace', '2000', ...flags, APP];
  const proc = limited(o.nofile, process.execPath, args, { ...process.env, ...o.env });
  await ready(proc, async () => {
    await waitForOutput(proc, /workers ready in/);
    if (prefix) await waitRaw(port, prefix);
    else await waitHttp(port);
  });
  return { name, port, proc, metricsPort, servingPids: () => childPids(proc.pid), stop: () => stop(proc) };
}

/** Polls a GET / after `prefix` until it is answered, or fails after `ms`. */
async function waitRaw(port: number, prefix: Buffer, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await rawRequest(port, prefix, 1000))) {
    if (Date.now() > end) throw new Error(`nothing answered on 127.0.0.1:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Node's cluster module, round-robin (the primary accepts and passes handles). */
export async function startCluster(name: string, o: ServerOptions): Promise<FaultServer> {
  const port = await freePort();
  const env = { ...process.env, ...o.env, PORT: String(port), BENCH_POLICY: 'rr', BENCH_WORKERS: String(o.workers), BENCH_APP: APP };
  const proc = limited(o.nofile, process.execPath, [CLUSTER_APP], env);
  await ready(proc, async () => {
    await waitForOutput(proc, /^ready$/m);
    await waitHttp(port);
  });
  return { name, port, proc, metricsPort: null, servingPids: () => childPids(proc.pid), stop: () => stop(proc) };
}

/** HAProxy (tcp, one thread, `maxconn` in global and frontend) in front of `workers` single processes. */
export async function startHaproxy(name: string, maxconn: number, o: ServerOptions): Promise<FaultServer> {
  const apps: Proc[] = [];
  const servers: string[] = [];
  const stopAll = async (extra: Proc[] = []): Promise<void> => {
    await Promise.all([...apps, ...extra].map((p) => stop(p)));
  };
  try {
    for (let i = 0; i < o.workers; i++) {
      const p = await freePort();
      const app = limited(o.nofile, process.execPath, [APP], { ...process.env, ...o.env, PORT: String(p) });
      apps.push(app);
      await ready(app, () => waitHttp(p));
      servers.push(`  server w${i + 1} 127.0.0.1:${p}`);
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  const port = await freePort();
  const cfg = join(o.tmp, `${name}.cfg`);
  writeFileSync(cfg, [
    'global', '  nbthread 1', `  maxconn ${maxconn}`,
    'defaults', '  mode tcp', '  timeout connect 5s', '  timeout client 120s', '  timeout server 120s',
    'frontend faults', `  bind 127.0.0.1:${port}`, `  maxconn ${maxconn}`, '  default_backend apps',
    'backend apps', '  balance roundrobin', ...servers, '',
  ].join('\n'));
  const proxy = limited(o.nofile, 'haproxy', ['-db', '-f', cfg], process.env);
  try {
    await ready(proxy, () => waitHttp(port));
  } catch (err) {
    await stopAll();
    throw err;
  }
  const pids = apps.map((a) => a.pid);
  return { name, port, proc: proxy, metricsPort: null, servingPids: () => pids, stop: () => stopAll([proxy]) };
}

/** Whether `pid` is a live process (not a zombie). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !/^State:\s+Z/m.test(readStatus(pid));
}

function readStatus(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}

/** Resident memory of `pid` in bytes, from /proc (null when gone). */
export function rssBytes(pid: number): number | null {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readStatus(pid));
  return m ? Number(m[1]) * 1024 : null;
}

/** Counters by reason from portplex's /metrics: dropped connections and unparsable heads, non-zero only. */
export async function scrapeReasons(metricsPort: number): Promise<Record<string, number>> {
  const text = await new Promise<string>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: metricsPort, path: '/metrics', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('metrics scrape timed out')));
  });
  return reasonCounts(text);
}

/** `dropped:<reason>` and `invalid:<reason>` from a Prometheus text page, summed over listeners, zeros left out. */
export function reasonCounts(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = /^portplex_(connections_dropped|content_invalid)_total\{([^}]*)\}\s+(\S+)$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const reason = /reason="([^"]*)"/.exec(m[2]!)?.[1];
    const n = Number(m[3]);
    if (!reason || !(n > 0)) continue;
    const key = `${m[1] === 'connections_dropped' ? 'dropped' : 'invalid'}:${reason}`;
    out[key] = (out[key] ?? 0) + n;
  }
  return out;
}
