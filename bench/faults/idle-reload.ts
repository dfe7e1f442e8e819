// Many idle kept-alive connections, then a rolling reload. Each connection made one request and
// waits. Once the reload command returns (new workers ready, old ones draining), every connection
// sends a second request: one without an answer is lost. A draining worker closes its connections
// by the end of --grace (idle ones shortly before it, src/in-worker/drain.ts): a close after an
// answer is how HTTP ends a kept-alive connection, not a loss.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { start } from '../procs.js';
import { ROOT } from '../setups.js';
import { alive, rssBytes, startPortplex } from './servers.js';

const CLIENT = fileURLToPath(new URL('./idle-client.js', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

export interface IdleReloadOptions {
  connections: number;
  concurrency: number;
  /** portplex's --grace: the drain's length, and when idle connections are closed (shortly before it). */
  graceMs: number;
  /** How long the old workers get to finish their drain, ms. */
  drainWaitMs: number;
  /** Connections per client process: each holds one descriptor per connection, under the runner's own limit. */
  perClient: number;
}

export interface IdleReloadRow {
  connections: number;
  opened: number;
  answered: number;
  openSeconds: number;
  /** Master RSS growth per open connection, bytes. */
  masterRssPerConn: number | null;
  reloadSeconds: number | null;
  reloadOk: boolean;
  /** Seconds from the reload command until every old worker had exited; null if one had not within drainWaitMs. */
  drainedSeconds: number | null;
  /** Closed by the server by the end of the old workers' drain. */
  closedIdle: number;
  /** Connections open when the reload command returned, and of those the ones whose next request was answered. */
  stillOpen: number;
  answeredAfter: number;
  /** Requests lost: sent on an open connection, never answered. */
  lost: number;
  /** Of those, the connection closed before the answer (the keep-alive race), or no answer within 20 s. */
  lostClosed: number;
  lostTimedOut: number;
}

interface ClientReply { ready?: boolean; opened?: number; failed?: number; answered?: number; ms?: number; closedByServer?: number; probed?: number; closedFirst?: number; timedOut?: number }

/** One client process, and a way to ask it one thing at a time. */
function startClient(): { ask(m: object): Promise<ClientReply>; ready: Promise<ClientReply>; kill(): void } {
  const child = spawn(process.execPath, [CLIENT], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies: ClientReply[] = [];
  const waiting: Array<(r: ClientReply) => void> = [];
  child.on('message', (r: ClientReply) => {
    const w = waiting.shift();
    if (w) w(r);
    else replies.push(r);
  });
  const next = (): Promise<ClientReply> => new Promise((resolve, reject) => {
    const r = replies.shift();
    if (r) return resolve(r);
    waiting.push(resolve);
    child.once('exit', () => reject(new Error('the idle client exited')));
  });
  return {
    ready: next(),
    ask: (m) => {
      child.send(m);
      return next();
    },
    kill: () => child.kill('SIGKILL'),
  };
}

/** Sums a field over the clients' replies. */
const sum = (rs: ClientReply[], k: keyof ClientReply): number => rs.reduce((n, r) => n + Number(r[k] ?? 0), 0);

export async function idleReloadTrial(o: IdleReloadOptions, tmp: string): Promise<IdleReloadRow> {
  const server = await startPortplex('idle', ['--grace', String(o.graceMs)], { tmp, workers: 2 });
  const shares = Array.from({ length: Math.ceil(o.connections / o.perClient) }, (_, i) => Math.min(o.perClient, o.connections - i * o.perClient));
  const clients = shares.map(() => startClient());
  const all = (m: (i: number) => object): Promise<ClientReply[]> => Promise.all(clients.map((c, i) => c.ask(m(i))));
  try {
    await Promise.all(clients.map((c) => c.ready));
    const rss0 = rssBytes(server.proc.pid);
    const t0 = performance.now();
    const opened = await all((i) => ({ open: { port: server.port, n: shares[i], concurrency: Math.ceil(o.concurrency / clients.length) } }));
    const openSeconds = (performance.now() - t0) / 1000;
    const n = sum(opened, 'opened');
    // Give the master a moment to settle its records before reading its memory.
    await new Promise((r) => setTimeout(r, 500));
    const rss1 = rssBytes(server.proc.pid);
    const old = server.servingPids();
    const t1 = performance.now();
    const reload = start(process.execPath, [CLI, 'reload', '--admin', join(tmp, 'idle.sock')], { cwd: ROOT });
    const code = await reload.exited;
    const reloadSeconds = (performance.now() - t1) / 1000;
    // At once, while the old workers drain: every idle connection asks again.
    const probe = await all(() => ({ probe: true }));
    const drainEnd = performance.now() + o.drainWaitMs;
    while (old.some(alive) && performance.now() < drainEnd) await new Promise((r) => setTimeout(r, 50));
    const drainedSeconds = old.some(alive) ? null : (performance.now() - t1) / 1000;
    await new Promise((r) => setTimeout(r, 300));
    const closed = await all(() => ({ count: true }));
    return {
      connections: o.connections,
      opened: n,
      answered: sum(opened, 'answered'),
      openSeconds,
      masterRssPerConn: rss0 !== null && rss1 !== null && n > 0 ? (rss1 - rss0) / n : null,
      reloadSeconds: code === 0 ? reloadSeconds : null,
      reloadOk: code === 0,
      drainedSeconds,
      closedIdle: sum(closed, 'closedByServer'),
      stillOpen: sum(probe, 'probed'),
      answeredAfter: sum(probe, 'answered'),
      lost: sum(probe, 'probed') - sum(probe, 'answered'),
      lostClosed: sum(probe, 'closedFirst'),
      lostTimedOut: sum(probe, 'timedOut'),
    };
  } finally {
    for (const c of clients) c.kill();
    await server.stop();
  }
}
