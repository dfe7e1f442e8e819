// A worker as status queries, the admin socket and metrics see it: a plain snapshot.
import type { ProcessState } from '../workers/worker-process.js';
import { RECYCLE_REASONS, type RecycleReason, type Worker } from '../workers/worker.js';

export interface WorkerInfo {
  id: number;
  group: string;
  /** Its process's pid, or its last one's while it is down. */
  pid: number;
  state: ProcessState;
  weight: number;
  active: number;
  handedOver: number;
  /** Direct mode: connections the worker accepted itself. */
  accepted: number;
  restarts: number;
  listening: number[];
  uptimeMs: number;
  /** Active health from heartbeats; an unhealthy worker gets no new connections. */
  healthy: boolean;
  /** Event-loop delay the worker last reported, and the heartbeat round trip, ms. */
  loopDelayMs: number;
  rttMs: number;
  /**
   * What its process reported with its last heartbeat answer, null before the first (or with
   * heartbeats off): CPU over the last interval (100 = one core busy), resident memory and V8
   * heap used in bytes.
   */
  cpuPercent: number | null;
  rssBytes: number | null;
  heapUsedBytes: number | null;
  /** New connections per second between its last two heartbeats. */
  connectionsPerSecond: number;
  /** HTTP requests its current process's servers have received, as of its last heartbeat answer (null before the first). */
  requests: number | null;
  /** Times its process was replaced, new one first, for going over a limit. */
  recycles: Record<RecycleReason, number>;
}

const known = (v: number | undefined): number | null => (v === undefined || v < 0 ? null : v);

/** The snapshot of `w` with `active` connections, at `now`. */
export function workerInfo(w: Worker, active: number, now: number): WorkerInfo {
  const p = w.process;
  const state = p?.state ?? 'exited';
  return {
    id: w.id,
    group: w.group.name,
    pid: w.pid,
    state,
    weight: w.weight,
    active,
    handedOver: w.handedOver,
    accepted: w.directAccepted,
    restarts: w.restarts,
    listening: p?.listeningList() ?? [],
    uptimeMs: p === undefined || state === 'exited' ? 0 : now - p.startedAt,
    healthy: p?.health.healthy ?? true,
    loopDelayMs: Math.round(p?.heartbeat.loopDelayMs ?? 0),
    rttMs: p?.heartbeat.rttMs ?? 0,
    cpuPercent: state === 'exited' ? null : cpuPercent(known(p?.heartbeat.usage.cpu)),
    rssBytes: state === 'exited' ? null : known(p?.heartbeat.usage.rss),
    heapUsedBytes: state === 'exited' ? null : known(p?.heartbeat.usage.heapUsed),
    connectionsPerSecond: state === 'exited' ? 0 : Math.round(w.connectionRate * 10) / 10,
    requests: state === 'exited' ? null : known(p?.requests),
    recycles: recyclesOf(w),
  };
}

function recyclesOf(w: Worker): Record<RecycleReason, number> {
  const out = {} as Record<RecycleReason, number>;
  for (const reason of RECYCLE_REASONS) out[reason] = w.recycles(reason);
  return out;
}

function cpuPercent(ratio: number | null): number | null {
  return ratio === null ? null : Math.round(ratio * 1000) / 10;
}
