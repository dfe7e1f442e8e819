// The services the lifecycle benchmark puts through its events: portplex, Node's cluster module
// and PM2, each started for one session with what that event needs, and each able to do the
// operations it has (a stop, a reload, an upgrade, a scale, its workers' pids, its recycles).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childPids } from './cpu.js';
import type { SystemdRecord } from './notify-socket.js';
import type { Pm2 } from './pm2.js';
import { waitHttp, freePort } from './procs.js';
import { allSetups, APP, portplex, ROOT, type Running, type SetupContext } from './setups.js';

export const CLI = join(ROOT, 'dist/src/cli/main.js');

/** A service started for one session. Operations it lacks are absent. */
export interface Target {
  port: number;
  /** Stops it the way its platform does (portplex and cluster: SIGTERM to the master); resolves once it has stopped, with its exit status. */
  terminate?(): Promise<string>;
  reload?(): Promise<void>;
  /** Resolves once the new master serves. */
  upgrade?(): Promise<void>;
  /**
   * A master restart as `systemctl restart` makes it: SIGTERM, its exit awaited, a new one started
   * on the same address (PM2: `pm2 restart`). Resolves once the new one serves, with a note.
   */
  restart?(): Promise<string>;
  /** What the notification socket heard, each upgrade checked; waits for the old masters' exits. */
  systemd?(): Promise<SystemdRecord>;
  /** Resolves once the command has returned; `waitWorkers` waits for the new ones to serve. */
  scale?(workers: number): Promise<void>;
  waitWorkers?(workers: number): Promise<void>;
  /** Pids of its worker processes now. */
  workerPids(): Promise<number[]>;
  /** Recycles (or PM2's restarts) so far. */
  recycles?(): Promise<number>;
  stop(): Promise<void>;
}

/** What a session's service is started with. */
export interface TargetOptions {
  workers: number;
  /** Environment for the application (BENCH_LEAK_KB...). */
  env?: Record<string, string>;
  /** portplex: config keys (shutdownDelay, maxRequests...). */
  config?: Record<string, unknown>;
  /** Node cluster: re-fork a dead worker (a crash) instead of exiting. */
  refork?: boolean;
  /** PM2: arguments to `pm2 start` (--max-memory-restart...). */
  pm2Args?: string[];
}

/** ms workers get to finish on a stop, a reload, a scale-down and a recycle, in every setup that has one. */
export const GRACE_MS = 5000;

export function exec(command: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')}: ${err.message.split('\n')[0]}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True while `pid` runs (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Resolves once `pid` is gone; SIGKILL after `ms`. */
export async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > end) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
      return false;
    }
    await sleep(50);
  }
  return true;
}

/** Polls `check` every 100 ms until it is true, or throws after `ms` naming `what`. */
export async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(100);
  }
}

interface StatusWorker {
  state: string;
  pid: number;
  recycles?: Record<string, number>;
}

/** portplex, from the bench's own setup (config file, admin socket, metrics on), with `o.config` added. */
export async function startPortplex(name: string, ctx: SetupContext, o: TargetOptions): Promise<Target> {
  const setup = portplex({ name, label: name, quick: false, algorithm: 'round-robin', extra: { grace: GRACE_MS, ...o.config } });
  const why = setup.unavailable(ctx);
  if (why) throw new Error(why);
  const running = await setup.start({ ...ctx, workers: o.workers, ...(o.env ? { env: o.env } : {}) });
  const admin = join(ctx.tmp, `${name}.sock`);
  const cli = (...args: string[]): Promise<string> => exec(process.execPath, [CLI, ...args, '--admin', admin]);
  const status = async (): Promise<StatusWorker[]> => (JSON.parse(await cli('status', '--json')) as { workers: StatusWorker[] }).workers;
  // After an upgrade the master is another process, not our child: followed by pid.
  let masterPid = running.master!.pid;
  const previous: number[] = [];
  return {
    port: running.port,
    async terminate() {
      process.kill(masterPid, 'SIGTERM');
      return `exit status ${await running.master!.exited}`;
    },
    async reload() {
      await cli('reload');
    },
    async upgrade() {
      const r = JSON.parse(await cli('upgrade', '--json')) as { pid: number; previous: number };
      previous.push(r.previous);
      masterPid = r.pid;
    },
    async scale(workers) {
      await cli('scale', String(workers));
    },
    async waitWorkers(workers) {
      await until(`${workers} ready workers`, async () => (await status()).filter((w) => w.state === 'ready').length >= workers);
    },
    workerPids: async () => childPids(masterPid),
    recycles: async () => (await status()).reduce((n, w) => n + Object.values(w.recycles ?? {}).reduce((a, b) => a + b, 0), 0),
    async stop() {
      if (masterPid === running.master!.pid) {
        await running.stop();
        return;
      }
      // Upgraded: the masters before drain and exit by themselves; the last one is stopped by signal.
      for (const pid of previous) await waitGone(pid, 2 * GRACE_MS);
      try {
        process.kill(masterPid, 'SIGTERM');
      } catch {
        return;
      }
      await waitGone(masterPid, 2 * GRACE_MS);
    },
  };
}

/** Node's cluster module (round-robin, the Linux default) from the bench's own setup: a graceful SIGTERM, or re-forking a dead worker. */
export async function startCluster(ctx: SetupContext, o: TargetOptions): Promise<Target> {
  const setup = allSetups().find((s) => s.name === 'cluster-rr')!;
  const env = { ...o.env, BENCH_GRACE: String(GRACE_MS), ...(o.refork ? { BENCH_REFORK: '1' } : { BENCH_STOP: 'disconnect' }) };
  let running: Running = await setup.start({ ...ctx, workers: o.workers, env });
  const terminate = async (): Promise<string> => {
    process.kill(running.master!.pid, 'SIGTERM');
    return `the primary calls worker.disconnect() on each worker; exit status ${await running.master!.exited}`;
  };
  return {
    port: running.port,
    terminate,
    async restart() {
      const stopped = await terminate();
      running = await setup.start({ ...ctx, workers: o.workers, env, port: running.port });
      return stopped;
    },
    workerPids: async () => childPids(running.master!.pid),
    stop: () => running.stop(),
  };
}

interface Pm2Process {
  pid: number;
  pm2_env?: { status?: string; restart_time?: number };
}

/** PM2 in cluster mode, the application closing its server on SIGINT as PM2's documentation asks. */
export async function startPm2(pm2: Pm2, name: string, o: TargetOptions): Promise<Target> {
  const port = await freePort();
  // PM2_WORKER_INTERVAL: its daemon checks max_memory_restart every second, not every 30.
  const env = { ...o.env, PORT: String(port), BENCH_SIGINT: 'close', PM2_WORKER_INTERVAL: '1000' };
  const list = async (): Promise<Pm2Process[]> => {
    const out = await pm2.run(['jlist'], env);
    return (JSON.parse(out.slice(out.indexOf('['))) as Pm2Process[]).filter((p) => p.pm2_env?.status !== undefined);
  };
  const online = async (n: number): Promise<boolean> => (await list()).filter((p) => p.pm2_env?.status === 'online' && p.pid > 0).length >= n;
  const stop = async (): Promise<void> => {
    await pm2.run(['delete', name], env).catch(() => '');
    await pm2.kill();
  };
  try {
    await pm2.run(['start', APP, '-i', String(o.workers), '--name', name, '--kill-timeout', String(GRACE_MS), ...(o.pm2Args ?? [])], env);
    await waitHttp(port);
    await until(`${o.workers} PM2 processes online`, () => online(o.workers));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port,
    // pm2-runtime, PM2's command in a container, answers SIGTERM with this: every process gets
    // SIGINT, and SIGKILL after --kill-timeout.
    async terminate() {
      await pm2.kill();
      return '`pm2 kill`, what pm2-runtime does on SIGTERM: SIGINT to every process';
    },
    async reload() {
      await pm2.run(['reload', name], env);
    },
    async restart() {
      await pm2.run(['restart', name], env);
      await until(`${o.workers} PM2 processes online`, () => online(o.workers));
      return '`pm2 restart <app>`: the daemon stays; it stops and starts the application\'s processes';
    },
    async scale(workers) {
      await pm2.run(['scale', name, String(workers)], env);
    },
    async waitWorkers(workers) {
      await until(`${workers} PM2 processes online`, () => online(workers));
    },
    workerPids: async () => (await list()).map((p) => p.pid).filter((p) => p > 0),
    recycles: async () => (await list()).reduce((n, p) => n + (p.pm2_env?.restart_time ?? 0), 0),
    stop,
  };
}
