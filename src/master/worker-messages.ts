// What a worker's JSON messages do, one handler per message type. Who may say what depends on
// the process's role: a worker's current process anything; a reload's replacement still
// starting only that it is listening or ready, its listen requests, and that its application has
// cluster code; a retired process nothing (it reports in frames).
import { type MessageTable, type ToMaster, type WorkerFaultKind } from '../ipc/protocol.js';
import type { Worker } from '../workers/worker.js';
import type { WorkerProcess } from '../workers/worker-process.js';

/** Who sent a message: the process, its worker when it is the current one, and its table key. */
export interface Sender {
  readonly p: WorkerProcess;
  readonly worker: Worker | undefined;
  readonly key: number | undefined;
}

/** What the handlers act on. */
export interface MessageTargets {
  /** The listener indexes of `values` that `p`'s group serves; undefined when the list is malformed. */
  listenersOf(p: WorkerProcess, values: readonly number[]): number[] | undefined;
  /** `p` says it serves `listeners` (current process, or a replacement still starting). */
  listening(from: Sender, listeners: number[]): void;
  /** `p`'s application says it is ready. */
  ready(from: Sender): void;
  refused(p: WorkerProcess, id: number, why: string): void;
  held(from: Sender, ids: number[]): void;
  pong(from: Sender, m: Extract<ToMaster, { t: 'pong' }>): void;
  metrics(p: WorkerProcess, req: number, m: unknown): void;
  peers(from: Sender, req: number, triples: Array<number | string>): void;
  agent(worker: Worker, weight: number | 'undrain'): void;
  sharedListening(listener: number): void;
  /** A worker closed a connection it had taken, counted by `reason` (direct mode's content checks; a rescued connection that said nothing). */
  workerDropped(reason: string): void;
  /** `from`'s application listens on an address (or Unix socket `path`) no configured listener serves (request `req`). */
  listenRequest(from: Sender, req: number, host: string | null, port: number, x: number, path: string | undefined): void;
  /** `from`'s application has its own cluster code (read in `file`, when known). */
  usesCluster(from: Sender, file: string | undefined): void;
  /** portplex's own code in `from` failed `n` times at `kind` (first message `text`); the process goes on. */
  workerFault(from: Sender, kind: WorkerFaultKind, n: number, text: string): void;
  malformed(): void;
}

/** The handlers, looked up by the message's type. */
export function messageTable(t: MessageTargets): MessageTable<ToMaster, Sender> {
  return {
    listening: (from, m) => {
      const listeners = t.listenersOf(from.p, m.l);
      if (listeners === undefined) t.malformed();
      else t.listening(from, listeners);
    },
    ready: (from) => t.ready(from),
    r: (from, m) => t.refused(from.p, m.i, m.why),
    held: (from, m) => t.held(from, m.c),
    pong: (from, m) => t.pong(from, m),
    metrics: (from, m) => t.metrics(from.p, m.req, m),
    peers: (from, m) => t.peers(from, m.req, m.p),
    agent: (from, m) => t.agent(from.worker!, m.w),
    la: (_from, m) => t.sharedListening(m.l),
    dd: (_from, m) => t.workerDropped(m.r),
    lq: (from, m) => t.listenRequest(from, m.req, m.h, m.p, m.x, m.u),
    cu: (from, m) => t.usesCluster(from, m.f),
    ft: (from, m) => t.workerFault(from, m.k, m.n, m.e),
  };
}

/** The messages a reload's replacement may send before it becomes current. */
export function allowedWhilePending(m: ToMaster): boolean {
  // A replacement listens before it is current: its listen() of an on-demand address is answered
  // too. Its application's cluster code runs then (a reload may be the first code that has any).
  // Its own faults are counted whatever its role.
  return m.t === 'listening' || m.t === 'ready' || m.t === 'lq' || m.t === 'cu' || m.t === 'ft';
}
