// The lifecycle workload: requests failed per event while a service is stopped, restarted,
// reloaded, upgraded, scaled down, recycled or loses a worker, under load, for portplex (also with
// its socket held outside the master as systemd holds it) and, where the event has a counterpart,
// Node's cluster module and PM2 (installed for the run when not on PATH). Two passes of each: a new
// connection per request, and keep-alive connections.
//
// The load is bench/client.ts's closed loop, not wrk: a client here can stop sending at a given
// moment and still wait for the requests it has sent ("go elsewhere"), and every request it sends
// is counted, answered or failed; wrk reports neither what it sent nor what was in flight at its end.
//
//   node dist/bench/lifecycle.js [--quick] [--events a,b] [--setups a,b] [--loads new-connection,keep-alive] [--out file.json]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runClient } from './client.js';
import {
  countSamples, EVENTS, firstFailures, lifecycleMarkdown, LOADS, SETUP_NAMES, summariseLifecycle,
  type EventId, type LifecycleGap, type LifecycleSession, type LoadKind, type SetupName,
} from './lifecycle-report.js';
import { heldUnavailable, startHeld, type HeldOptions } from './lifecycle-systemd.js';
import { GRACE_MS, startCluster, startPm2, startPortplex, type Target, type TargetOptions } from './lifecycle-targets.js';
import { mainpidNote, mainpidText, type SystemdRecord } from './notify-socket.js';
import { preparePm2, type Pm2 } from './pm2.js';

/** How long and how often; the quick profile is a smoke run. */
export interface LifecycleOptions {
  loops: number;
  workers: number;
  /** Load before the first event, ms. */
  warmMs: number;
  /** Load after the last event (its end), ms; a SIGTERM's clients leave 1 s after it instead. */
  tailMs: number;
  /** Reloads, upgrades and scale-downs per session. */
  repeats: number;
  /** ms between two of them. */
  gapMs: number;
  /** ms of load during which recycles happen. */
  recycleMs: number;
  /** Kills per crash session, `killEveryMs` apart. */
  kills: number;
  killEveryMs: number;
  /** ms clients go on sending after a SIGTERM, then go elsewhere. */
  leaveAfterMs: number;
  /** portplex's --shutdown-delay in the sigterm-delay event. */
  shutdownDelayMs: number;
  /** Compare with PM2 (installed for the run when not on PATH) unless --setups says otherwise. */
  pm2: boolean;
  /** Beside the restart with the socket held outside, restart masters that bind their own address (portplex, cluster, PM2). */
  ownBindRestarts: boolean;
}

export const LIFECYCLE_DEFAULTS: LifecycleOptions = {
  loops: 32, workers: 2, warmMs: 1000, tailMs: 1000, repeats: 2, gapMs: 1000, recycleMs: 8000, kills: 3, killEveryMs: 2000, leaveAfterMs: 1000, shutdownDelayMs: 2000, pm2: true, ownBindRestarts: true,
};
// Quick: one event of each kind, no PM2, whose sessions (a daemon started and killed for each)
// would double its time, and of the restarts only the one under systemd.
export const LIFECYCLE_QUICK: LifecycleOptions = { ...LIFECYCLE_DEFAULTS, warmMs: 500, tailMs: 300, repeats: 1, gapMs: 500, recycleMs: 2500, kills: 1, killEveryMs: 1500, pm2: false, ownBindRestarts: false };

/** How each recycling limit is reached within a few seconds under each load (see bench/README.md). */
function recycleConfig(event: EventId, load: LoadKind): Record<string, unknown> {
  const keepAlive = load === 'keep-alive';
  switch (event) {
    case 'recycle-memory': return { maxMemory: '120M' };
    // Kept alive, 32 clients hold 16 connections per worker: 8 is passed at once, then by the reconnections each recycle brings.
    case 'recycle-connections': return { maxConnectionsServed: keepAlive ? 8 : 400 };
    case 'recycle-requests': return keepAlive ? { maxRequests: 1500, maxRequestsJitter: 500 } : { maxRequests: 400, maxRequestsJitter: 200 };
    case 'recycle-lifetime': return { maxLifetime: 1500, maxLifetimeJitter: 1000 };
    default: return {};
  }
}

/** A request not answered within this is failed ('timeout'): a hello-world answer takes milliseconds. */
export const REQUEST_TIMEOUT_MS = 5000;

/** Each request keeps this many KB in the max-memory sessions (bench/apps/hello.js BENCH_LEAK_KB). */
const LEAK_KB = 64;

/** A session to run, or a cell that cannot be measured and why. */
type Plan =
  | { event: EventId; setup: SetupName; start: (load: LoadKind) => Promise<Target>; act: Act }
  | LifecycleGap;

/** What a session's events came to, besides the requests. */
interface Acted {
  events: number;
  note?: string;
  systemd?: SystemdRecord;
}

/** Makes the events of a session happen under the load; `leave()` makes the clients go elsewhere. */
type Act = (t: Target, s: { mark(): void; leave(): Promise<void>; o: LifecycleOptions }) => Promise<Acted>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const terminate: Act = async (t, s) => {
  s.mark();
  const stopped = t.terminate!();
  await sleep(s.o.leaveAfterMs);
  await s.leave();
  return { events: 1, note: await stopped };
};

/** `once` `repeats` times, `gapMs` apart; the notes it returns, each said once. */
const repeat = (once: (t: Target, o: LifecycleOptions) => Promise<string | void>): Act => async (t, s) => {
  const notes: string[] = [];
  for (let i = 0; i < s.o.repeats; i++) {
    if (i > 0) await sleep(s.o.gapMs);
    if (i === 0) s.mark();
    const note = await once(t, s.o);
    if (note && !notes.includes(note)) notes.push(note);
  }
  return { events: s.o.repeats, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
};

const restart = repeat((t) => t.restart!());

/** Upgrades, then what the notification socket heard of them. */
const upgradeHeard: Act = async (t, s) => {
  const acted = await repeat((x) => x.upgrade!())(t, s);
  const systemd = await t.systemd!();
  return { ...acted, note: mainpidNote(systemd.upgrades), systemd };
};

const recycle: Act = async (t, s) => {
  const before = await t.recycles!();
  s.mark();
  await sleep(s.o.recycleMs);
  await s.leave();
  return { events: (await t.recycles!()) - before };
};

const crash: Act = async (t, s) => {
  let kills = 0;
  for (let i = 0; i < s.o.kills; i++) {
    if (i > 0) await sleep(s.o.killEveryMs);
    const pids = await t.workerPids();
    if (pids.length === 0) continue;
    if (kills === 0) s.mark();
    try {
      process.kill(pids[Math.floor(Math.random() * pids.length)]!, 'SIGKILL');
      kills++;
    } catch {
      // Gone meanwhile.
    }
  }
  return { events: kills };
};

/**
 * Every cell of the tables: a session to run, or why not. `ctx.heldUnavailable` says why a socket
 * cannot be held here as systemd holds it (tools missing), null when it can.
 */
export function plans(o: LifecycleOptions, ctx: { tmp: string; heldUnavailable?: (notify: boolean) => string | null }, pm2: Pm2 | { skipped: string }): Plan[] {
  const unavailable = ctx.heldUnavailable ?? heldUnavailable;
  const w = o.workers;
  let n = 0;
  const pp = (event: EventId, act: Act, opts: (load: LoadKind) => TargetOptions): Plan => ({
    event, setup: 'portplex', act, start: (load) => startPortplex(`lifecycle-${event}-${load}-${n++}`, { workers: w, tmp: ctx.tmp }, opts(load)),
  });
  const na = (event: EventId, setup: SetupName, why: string): LifecycleGap => ({ event, setup, kind: 'n/a', why });
  const cl = (event: EventId, act: Act, refork: boolean): Plan => ({ event, setup: 'cluster', act, start: () => startCluster({ workers: w, tmp: ctx.tmp }, { workers: w, refork }) });
  const pm = (event: EventId, act: Act, opts: TargetOptions): Plan => ('skipped' in pm2
    ? { event, setup: 'pm2', kind: 'skipped', why: pm2.skipped }
    : { event, setup: 'pm2', act, start: () => startPm2(pm2, `lifecycle-${event}-${n++}`, opts) });
  // portplex run by a holder of its socket (test/fixtures/socket-holder.js), as systemd runs it.
  const held = (event: EventId, act: Act, opts: Omit<HeldOptions, 'workers'>): Plan => {
    const why = opts.held ? unavailable(opts.notify) : null;
    return why !== null
      ? { event, setup: 'portplex', kind: 'skipped', why }
      : { event, setup: 'portplex', act, start: (load) => startHeld(`lifecycle-${event}-${load}-${n++}`, { workers: w, tmp: ctx.tmp }, { workers: w, ...opts }) };
  };
  const ownBind = (p: Plan): Plan => (o.ownBindRestarts ? p : { event: p.event, setup: p.setup, kind: 'skipped', why: 'not in quick runs' });
  const leak = { BENCH_LEAK_KB: String(LEAK_KB) };
  const recycling = (event: EventId): Plan => pp(event, recycle, (load) => ({ workers: w, config: recycleConfig(event, load), ...(event === 'recycle-memory' ? { env: leak } : {}) }));
  return [
    pp('sigterm-delay', terminate, () => ({ workers: w, config: { shutdownDelay: o.shutdownDelayMs } })),
    na('sigterm-delay', 'cluster', 'the cluster module has no shutdown delay (a primary of one\'s own could wait before `worker.disconnect()`)'),
    na('sigterm-delay', 'pm2', 'PM2 has no shutdown delay'),
    pp('sigterm', terminate, () => ({ workers: w, config: { shutdownDelay: 0 } })),
    cl('sigterm', terminate, false),
    pm('sigterm', terminate, { workers: w }),
    held('restart-systemd', restart, { held: true, notify: false }),
    na('restart-systemd', 'cluster', 'the cluster module takes no socket from systemd: its restart, binding its own address, is in the next row'),
    na('restart-systemd', 'pm2', 'PM2 takes no socket from systemd: its restart is in the next row'),
    ownBind(held('restart', restart, { held: false, notify: false })),
    ownBind(cl('restart', restart, false)),
    ownBind(pm('restart', restart, { workers: w })),
    pp('reload', repeat((t) => t.reload!()), () => ({ workers: w })),
    na('reload', 'cluster', 'the cluster module has no reload, and this bench has none written on it'),
    pm('reload', repeat((t) => t.reload!()), { workers: w }),
    pp('upgrade', repeat((t) => t.upgrade!()), () => ({ workers: w })),
    na('upgrade', 'cluster', 'no counterpart: the primary cannot hand its sockets to a new primary'),
    na('upgrade', 'pm2', 'no counterpart: `pm2 update` kills the daemon with every process and starts them again'),
    held('upgrade-systemd', upgradeHeard, { held: true, notify: true }),
    na('upgrade-systemd', 'cluster', 'no counterpart: the primary cannot hand its sockets to a new primary'),
    na('upgrade-systemd', 'pm2', 'no counterpart: `pm2 update` kills the daemon with every process and starts them again'),
    pp('scale-down', scaleDown, () => ({ workers: w + 1 })),
    na('scale-down', 'cluster', 'the cluster module has no scale command (a primary of one\'s own would `worker.disconnect()` one)'),
    pm('scale-down', scaleDown, { workers: w + 1 }),
    recycling('recycle-memory'),
    na('recycle-memory', 'cluster', 'the cluster module has no recycling'),
    pm('recycle-memory', recycle, { workers: w, env: leak, pm2Args: ['--max-memory-restart', '120M'] }),
    recycling('recycle-connections'),
    na('recycle-connections', 'cluster', 'the cluster module has no recycling'),
    na('recycle-connections', 'pm2', 'PM2 has no such limit'),
    recycling('recycle-requests'),
    na('recycle-requests', 'cluster', 'the cluster module has no recycling'),
    na('recycle-requests', 'pm2', 'PM2 has no such limit'),
    recycling('recycle-lifetime'),
    na('recycle-lifetime', 'cluster', 'the cluster module has no recycling'),
    // Its nearest: a cron restart (seconds field), every process at the same time, each stopped then started.
    pm('recycle-lifetime', recycle, { workers: w, pm2Args: ['--cron-restart', '*/3 * * * * *'] }),
    pp('crash', crash, () => ({ workers: w })),
    cl('crash', crash, true),
    pm('crash', crash, { workers: w }),
  ];
}

/** From workers + 1 to workers, `repeats` times (scaling back up, not counted, between two). */
const scaleDown: Act = async (t, s) => {
  const w = s.o.workers;
  for (let i = 0; i < s.o.repeats; i++) {
    if (i > 0) {
      await t.scale!(w + 1);
      await t.waitWorkers!(w + 1);
      await sleep(s.o.gapMs);
    }
    if (i === 0) s.mark();
    await t.scale!(w);
  }
  return { events: s.o.repeats };
};

/** One session: start, load, the events, the clients leave, count. */
export async function runSession(plan: Extract<Plan, { act: Act }>, load: LoadKind, o: LifecycleOptions): Promise<LifecycleSession> {
  const target = await plan.start(load);
  try {
    const abort = new AbortController();
    const t0 = performance.now();
    const loadDone = runClient({
      port: target.port, durationMs: Number.POSITIVE_INFINITY, loops: o.loops, keepAlive: load === 'keep-alive',
      stop: abort.signal, timeoutMs: REQUEST_TIMEOUT_MS, next: () => ({ path: '/', kind: 'request' }),
    });
    const leave = async (): Promise<void> => {
      abort.abort();
      await loadDone;
    };
    let eventAt = Number.NaN;
    await sleep(o.warmMs);
    let result: Acted;
    try {
      result = await plan.act(target, { o, leave, mark: () => { eventAt = performance.now() - t0; } });
      await sleep(o.tailMs);
    } finally {
      // Also when an operation failed: no client may stay behind.
      abort.abort();
    }
    const samples = await loadDone;
    return {
      event: plan.event, setup: plan.setup, load, events: result.events, ...countSamples(samples),
      firstFailures: firstFailures(samples, Number.isNaN(eventAt) ? 0 : eventAt),
      ...(result.note ? { note: result.note } : {}),
      ...(result.systemd ? { systemd: result.systemd } : {}),
    };
  } finally {
    await target.stop();
  }
}

export interface LifecycleResults {
  options: LifecycleOptions;
  pm2: string;
  sessions: LifecycleSession[];
  gaps: LifecycleGap[];
  /** Sessions that could not run (a start or an operation failed), with the error. */
  errors: Array<{ event: EventId; setup: SetupName; load: LoadKind; error: string }>;
}

export interface LifecycleFilter {
  events?: readonly string[] | null;
  setups?: readonly string[] | null;
  loads?: readonly string[] | null;
}

/** Runs every session of `plans()` for both loads; PM2 is found or installed first, and removed after. */
export async function runLifecycleBench(o: LifecycleOptions = LIFECYCLE_DEFAULTS, filter: LifecycleFilter = {}, log: (line: string) => void = () => {}): Promise<LifecycleResults> {
  const tmp = mkdtempSync(join(tmpdir(), 'portplex-lifecycle-'));
  const wantsPm2 = filter.setups ? filter.setups.includes('pm2') : o.pm2;
  const pm2 = wantsPm2 ? await preparePm2(log) : { skipped: filter.setups ? 'not asked for (--setups)' : 'not in quick runs' };
  const pm2Text = 'skipped' in pm2 ? `skipped: ${pm2.skipped}` : `${pm2.version} (${pm2.source}) in cluster mode, \`--kill-timeout ${GRACE_MS}\`, the application closing its server on SIGINT as PM2's documentation asks`;
  const out: LifecycleResults = { options: o, pm2: pm2Text, sessions: [], gaps: [], errors: [] };
  try {
    const all = plans(o, { tmp }, pm2).filter((p) => (!filter.events || filter.events.includes(p.event)) && (!filter.setups || filter.setups.includes(p.setup)));
    const loads = LOADS.filter((l) => !filter.loads || filter.loads.includes(l));
    for (const load of loads) {
      for (const p of all) {
        if (!('act' in p)) continue;
        const t = Date.now();
        try {
          const s = await runSession(p, load, o);
          out.sessions.push(s);
          const heard = s.systemd ? ` {${mainpidText(s.systemd.upgrades)}}` : '';
          log(`lifecycle, ${load}: ${p.setup} ${p.event}: ${s.failed} failed / ${s.sent} sent in ${s.events} event(s)${s.note ? ` (${s.note})` : ''}${s.failed > 0 ? ` [${Object.entries(s.reasons).map(([k, v]) => `${v} ${k}`).join(', ')}]` : ''}${heard} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
        } catch (err) {
          const error = (err as Error).message;
          out.errors.push({ event: p.event, setup: p.setup, load, error });
          log(`lifecycle, ${load}: ${p.setup} ${p.event} could not run: ${error.split('\n')[0]}`);
        }
      }
    }
    out.gaps = all.filter((p): p is LifecycleGap => !('act' in p));
    return out;
  } finally {
    if (!('skipped' in pm2)) await pm2.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The report's section: the tables, then the sessions that could not run. */
export function lifecycleSection(r: LifecycleResults): string {
  const errors = r.errors.map((e) => `- ${e.setup}, ${e.event}, ${e.load}: could not run: ${e.error.split('\n')[0]}`);
  const gaps = [...r.gaps, ...r.errors.map((e): LifecycleGap => ({ event: e.event, setup: e.setup, load: e.load, kind: 'skipped', why: 'could not run (below)' }))];
  return lifecycleMarkdown(summariseLifecycle(r.sessions), gaps, { loops: r.options.loops, workers: r.options.workers, graceMs: GRACE_MS, pm2: r.pm2 }) +
    (errors.length > 0 ? `\n${errors.join('\n')}\n` : '');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, events: { type: 'string' }, setups: { type: 'string' }, loads: { type: 'string' }, out: { type: 'string' } } });
  const list = (v: string | undefined, known: readonly string[], flag: string): string[] | null => {
    if (!v) return null;
    const xs = v.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = xs.filter((x) => !known.includes(x));
    if (bad.length > 0) {
      console.error(`lifecycle: --${flag}: unknown ${bad.join(', ')}; known are ${known.join(', ')}`);
      process.exit(2);
    }
    return xs;
  };
  const filter = { events: list(values.events, EVENTS.map((e) => e.id), 'events'), setups: list(values.setups, SETUP_NAMES, 'setups'), loads: list(values.loads, LOADS, 'loads') };
  const r = await runLifecycleBench(values.quick ? LIFECYCLE_QUICK : LIFECYCLE_DEFAULTS, filter, (l) => process.stderr.write(`${l}\n`));
  process.stdout.write(lifecycleSection(r));
  // --out: every session with its first failures' times, for a closer look.
  if (values.out) writeFileSync(values.out, `${JSON.stringify({ ...r, summary: summariseLifecycle(r.sessions) }, null, 2)}\n`);
  process.exit(r.errors.length > 0 ? 1 : 0);
}
