// A worker as status queries, the admin socket and metrics see it: a plain snapshot.
import type { ProcessState } from '../workers/worker-process.js';
import type { Worker } from '../workers/worker.js';

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
}

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
  };
}
