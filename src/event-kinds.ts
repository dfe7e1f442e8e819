// The master's lifecycle events: what kinds there are and what one says. Kept at the top of
// src/ so that the supervisor, the master and the admin commands name the same kinds.

/**
 * Every kind of lifecycle event, in no particular order. Documented in docs/operations.md
 * (Events); `portplex events` and `portplex top` show them.
 */
export const EVENT_KINDS = Object.freeze([
  'start', // a process was forked (at start, on restart, for a reload or a recycle)
  'ready', // a process became ready (listens, or said so with --wait-ready)
  'exit', // a process ended: its exit code or signal in the message
  'restart', // a worker's restart is scheduled, with its backoff delay
  'unhealthy', // a process is unhealthy or stuck (late heartbeats, missed deadlines, never ready)
  'healthy', // an unhealthy process answers in time again
  'recycle', // a healthy process is replaced for a limit (memory, connections, requests, lifetime)
  'reload', // a step of a rolling reload
  'drain', // a worker was drained (weight 0)
  'undrain', // a drained worker got its configured weight back
  'weight', // a worker's weight was set
  'scale', // a group's worker count was changed
  'upgrade', // a new master is taking over, took over, or failed to
  'stop', // the master's stop begins
  'listen-failed', // a worker's listen() of an address could not be bound
  'fault', // portplex's own code in a worker failed; the process goes on
  'channel', // a process's IPC channel broke, or it wrote junk on it, and it is killed
  'fatal', // the master cannot go on (a crash loop, an unsupported Node) and stops
] as const);

export type EventKind = (typeof EVENT_KINDS)[number];

/** The worker process an event is about. */
export interface EventSubject {
  readonly worker?: number;
  readonly pid?: number;
  readonly group?: string;
}

/** One lifecycle event as the master keeps it and the admin `events` command returns it. */
export interface LifecycleEvent extends EventSubject {
  /** 1, 2, 3, ... in the order recorded, never reused. */
  readonly seq: number;
  /** ms since the epoch. */
  readonly at: number;
  readonly kind: EventKind;
  /** One line, as the master's log says it. */
  readonly message: string;
}

/** The subject of an event about process `p` (no pid when it could not be started). */
export function processSubject(p: { readonly workerId: number; readonly pid: number; readonly group: string }): EventSubject {
  return p.pid > 0 ? { worker: p.workerId, pid: p.pid, group: p.group } : { worker: p.workerId, group: p.group };
}
