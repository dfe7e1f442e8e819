// The setups a run compares, as data: each says whether it can run here (and why not), and how
// to start it. Every setup serves bench/apps/hello.js with the same number of processes.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALGORITHMS } from '../src/balancers/index.js';
import type { UserConfig } from '../src/config/types.js';
import { validateConfig } from '../src/config/validate.js';
import { freePort, readyOrStop, start, stop, waitForOutput, waitHttp, type Proc } from './procs.js';
import { childPids } from './cpu.js';

/** The repository root (this file runs from dist/bench/). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const APP = join(ROOT, 'bench/apps/hello.js');
const CLUSTER_APP = join(ROOT, 'bench/apps/cluster.js');
const CLI = join(ROOT, 'dist/src/cli/main.js');

/** What every setup is started with. */
export interface SetupContext {
  workers: number;
  /** A private directory for config files and admin sockets. */
  tmp: string;
  /** The application every process serves; bench/apps/hello.js unless a workload needs another. */
  app?: string;
  /** Environment added for the processes a setup starts (the application's BENCH_* switches). */
  env?: Record<string, string>;
  /** The port to serve, instead of a free one: a restart on the same address. */
  port?: number;
}

/** A started setup. */
export interface Running {
  port: number;
  /** The process that accepts and hands connections over (charged per connection), if any. */
  masterPid: number | null;
  /** Processes serving requests (1 for a single process). */
  processes: number;
  /** Their pids now (read when measuring: a worker may have been replaced). */
  servingPids(): number[];
  /** The master process, where there is one, for workloads that signal it and wait for its exit. */
  master?: Proc;
  stop(): Promise<void>;
}

export interface Setup {
  name: string;
  label: string;
  /** Part of --quick runs. */
  quick: boolean;
  /** What a reader should know to read its figures, printed under the report. */
  note?: string;
  /** Why it cannot run here, or null when it can. */
  unavailable(ctx: SetupContext): string | null;
  start(ctx: SetupContext): Promise<Running>;
}

/** Names of the baselines every figure is compared with. */
export const BASELINES = { rr: 'cluster-rr', none: 'cluster-none' } as const;

function single(): Setup {
  return {
    name: 'single',
    label: 'single process',
    quick: true,
    unavailable: () => null,
    async start(ctx) {
      const port = ctx.port ?? await freePort();
      const proc = start(process.execPath, [ctx.app ?? APP], { env: { ...process.env, ...ctx.env, PORT: String(port) } });
      await readyOrStop(proc, () => waitHttp(port));
      return { port, masterPid: null, processes: 1, servingPids: () => [proc.pid], stop: () => stop(proc) };
    },
  };
}

function cluster(policy: 'rr' | 'none'): Setup {
  return {
    name: policy === 'rr' ? BASELINES.rr : BASELINES.none,
    label: `Node cluster ${policy === 'rr' ? 'SCHED_RR' : 'SCHED_NONE'}`,
    quick: true,
    unavailable: () => null,
    async start(ctx) {
      const port = ctx.port ?? await freePort();
      const env = { ...process.env, ...ctx.env, PORT: String(port), BENCH_POLICY: policy, BENCH_WORKERS: String(ctx.workers), BENCH_APP: ctx.app ?? APP };
      const proc = start(process.execPath, [CLUSTER_APP], { env });
      await readyOrStop(proc, async () => {
        await waitForOutput(proc, /^ready$/m);
        await waitHttp(port);
      });
      // With SCHED_NONE the primary only forks: its CPU per connection shows that it stays out.
      return { port, masterPid: proc.pid, processes: ctx.workers, servingPids: () => childPids(proc.pid), master: proc, stop: () => stop(proc) };
    },
  };
}

/** Node's listen() takes reusePort from 22.12 (and 23.1). */
export function hasReusePort(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/** N independent processes, each listening on the port with SO_REUSEPORT: the kernel spreads connections by hash. */
function reusePort(): Setup {
  return {
    name: 'reuseport',
    label: 'N processes, listen({ reusePort: true })',
    quick: false,
    note: 'the kernel hashes each connection to one process\'s socket; a socket that closes resets the connections waiting in its accept queue',
    unavailable: () => (hasReusePort() ? null : `listen({ reusePort }) needs Node 22.12+ (this is ${process.version})`),
    async start(ctx) {
      const port = ctx.port ?? await freePort();
      const procs: Proc[] = [];
      const stopAll = async (): Promise<void> => {
        await Promise.all(procs.map((p) => stop(p)));
      };
      try {
        for (let i = 0; i < ctx.workers; i++) {
          const p = start(process.execPath, [ctx.app ?? APP], { env: { ...process.env, ...ctx.env, PORT: String(port), BENCH_REUSEPORT: '1' } });
          procs.push(p);
          await readyOrStop(p, () => waitHttp(port));
        }
      } catch (err) {
        await stopAll();
        throw err;
      }
      return { port, masterPid: null, processes: ctx.workers, servingPids: () => procs.map((p) => p.pid), stop: stopAll };
    },
  };
}

/** Extra config a portplex setup adds to { script, workers, listeners }. */
export interface PortplexVariant {
  name: string;
  label: string;
  quick: boolean;
  algorithm: string;
  content?: { protocol: 'http' };
  extra?: Record<string, unknown>;
  note?: string;
}

/** The config file of a portplex setup serving 127.0.0.1:`port` (unless `v.extra` gives listeners of its own). */
export function portplexConfig(v: PortplexVariant, ctx: SetupContext, port: number): UserConfig {
  return {
    script: ctx.app ?? APP,
    workers: ctx.workers,
    algorithm: v.algorithm,
    listeners: [{ listen: `127.0.0.1:${port}`, ...(v.content ? { content: v.content } : {}) }],
    grace: 1000,
    ...v.extra,
  } as UserConfig;
}

/** A portplex setup; its admin socket is `<ctx.tmp>/<name>.sock`. */
export function portplex(v: PortplexVariant): Setup {
  return {
    name: v.name,
    label: v.label,
    quick: v.quick,
    ...(v.note ? { note: v.note } : {}),
    unavailable(ctx) {
      // A mode this checkout does not have yet is rejected by the config validation: skip, say why.
      try {
        validateConfig(portplexConfig(v, ctx, 1));
        return null;
      } catch (err) {
        // The validator lists every known option after ';': the first clause says enough.
        return `not in this build: ${(err as Error).message.split(';')[0]}`;
      }
    },
    async start(ctx) {
      const port = ctx.port ?? await freePort();
      const file = join(ctx.tmp, `${v.name}.json`);
      writeFileSync(file, JSON.stringify(portplexConfig(v, ctx, port)));
      // Its own admin socket, so it never meets another master on this machine.
      // Metrics on, as in production: the per-connection cost of observation is part of the figure.
      const metricsPort = await freePort();
      const proc = start(process.execPath, [CLI, '-c', file, '--admin', join(ctx.tmp, `${v.name}.sock`), '--metrics', `127.0.0.1:${metricsPort}`], { cwd: ROOT, env: { ...process.env, ...ctx.env } });
      await readyOrStop(proc, async () => {
        await waitForOutput(proc, /workers ready in/);
        await waitHttp(port);
      });
      return { port, masterPid: proc.pid, processes: ctx.workers, servingPids: () => childPids(proc.pid), master: proc, stop: () => stop(proc) };
    },
  };
}

function haproxyVersion(): string | null {
  const r = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  return r.error ? null : (r.stdout.split('\n')[0] ?? 'haproxy');
}

function haproxy(balance: 'roundrobin' | 'leastconn', quick: boolean): Setup {
  return {
    name: `haproxy-${balance}`,
    label: `HAProxy ${balance} (tcp, 1 thread) -> N single processes`,
    quick,
    unavailable: () => (haproxyVersion() ? null : 'haproxy is not installed (apt-get install -y haproxy)'),
    async start(ctx) {
      const procs: Proc[] = [];
      const stopAll = async (): Promise<void> => {
        await Promise.all(procs.map((p) => stop(p)));
      };
      try {
        const servers: string[] = [];
        for (let i = 0; i < ctx.workers; i++) {
          const p = await freePort();
          const app = start(process.execPath, [ctx.app ?? APP], { env: { ...process.env, ...ctx.env, PORT: String(p) } });
          procs.push(app);
          await readyOrStop(app, () => waitHttp(p));
          servers.push(`  server w${i + 1} 127.0.0.1:${p}`);
        }
        const port = ctx.port ?? await freePort();
        const cfg = join(ctx.tmp, `haproxy-${balance}.cfg`);
        // One thread, as portplex's master is one thread; timeouts long enough for the balance workload.
        writeFileSync(cfg, [
          'global', '  nbthread 1', '  maxconn 4096',
          'defaults', '  mode tcp', '  timeout connect 5s', '  timeout client 120s', '  timeout server 120s',
          'frontend bench', `  bind 127.0.0.1:${port}`, '  default_backend apps',
          'backend apps', `  balance ${balance}`, ...servers, '',
        ].join('\n'));
        const proxy = start('haproxy', ['-db', '-f', cfg]);
        procs.push(proxy);
        await readyOrStop(proxy, () => waitHttp(port));
        const apps = procs.slice(0, -1).map((p) => p.pid);
        return { port, masterPid: proxy.pid, processes: ctx.workers, servingPids: () => apps, stop: stopAll };
      } catch (err) {
        await stopAll();
        throw err;
      }
    },
  };
}

const QUICK_ALGORITHMS = ['round-robin', 'least-connections'];

/** Balance figures that are right for the algorithm but would read as a fault. */
const ALGORITHM_NOTES: Record<string, string> = {
  'source-hash': 'every benchmark client is 127.0.0.1, so source-hash sends them all to one worker (balance = the process count)',
  first: 'first fills the lowest worker up to its maxConnections (unlimited here), so one worker takes everything (balance = the process count)',
};

/** Every setup, in the order a round runs them. */
export function allSetups(): Setup[] {
  return [
    single(),
    cluster('rr'),
    cluster('none'),
    reusePort(),
    ...ALGORITHMS.map((a) => portplex({ name: `portplex-${a}`, label: `portplex dispatch, ${a}`, quick: QUICK_ALGORITHMS.includes(a), algorithm: a, note: ALGORITHM_NOTES[a] })),
    portplex({ name: 'portplex-content', label: 'portplex content-aware (http preread), round-robin', quick: true, algorithm: 'round-robin', content: { protocol: 'http' } }),
    portplex({ name: 'portplex-direct', label: 'portplex direct mode', quick: true, algorithm: 'round-robin', extra: { mode: 'direct' } }),
    haproxy('roundrobin', true),
    haproxy('leastconn', false),
  ];
}

/** The setups a run asks for, and of those the ones that cannot run here with the reason. */
export function chooseSetups(
  all: readonly Setup[],
  want: { quick: boolean; setups: readonly string[] | null },
  ctx: SetupContext,
): { run: Setup[]; skipped: Map<string, string> } {
  if (want.setups) {
    const unknown = want.setups.filter((n) => !all.some((s) => s.name === n));
    if (unknown.length > 0) throw new Error(`--setups: unknown ${unknown.join(', ')}; setups are ${all.map((s) => s.name).join(', ')}`);
  }
  const run: Setup[] = [];
  const skipped = new Map<string, string>();
  for (const s of all.filter((x) => (want.setups ? want.setups.includes(x.name) : !want.quick || x.quick))) {
    const why = s.unavailable(ctx);
    if (why) skipped.set(s.name, why);
    else run.push(s);
  }
  return { run, skipped };
}
