import { BROKEN_REASONS, type BrokenReason } from '../ipc/frame-channel.js';

// Plain counters the hot path bumps; metrics and status read them later, off the hot path.
import { WORKER_FAULT_KINDS, type WorkerFaultKind } from '../ipc/protocol.js';

/** Why the master closed a connection no worker took. */
export type DropReason = 'queue_full' | 'queue_timeout' | 'handoff_failed' | 'shutdown' | 'accept_failed' | 'table_full' | 'fd_limit' | 'preread_timeout' | 'preread_shed' | 'client_closed' | 'proxy_invalid' | 'content_invalid' | 'rescued_silent';

/** Why a hand-over was tried again. */
export type RetryReason = 'refused' | 'timeout' | 'worker_exit';

export class MasterStats {
  /** Per listener index. */
  readonly accepted: number[];
  acceptErrors = 0;
  readonly acceptErrorsByCode = new Map<string, number>();
  handedOver = 0;
  readonly dropped: Record<DropReason, number> = { queue_full: 0, queue_timeout: 0, handoff_failed: 0, shutdown: 0, accept_failed: 0, table_full: 0, fd_limit: 0, preread_timeout: 0, preread_shed: 0, client_closed: 0, proxy_invalid: 0, content_invalid: 0, rescued_silent: 0 };
  readonly retries: Record<RetryReason, number> = { refused: 0, timeout: 0, worker_exit: 0 };
  /** Messages from workers that were not of our protocol's shape: ignored and counted. */
  malformed = 0;
  /** Worker channels given up for what could not be read on them (the worker is replaced), by reason. */
  readonly brokenChannels = Object.fromEntries(BROKEN_REASONS.map((r) => [r, 0])) as Record<BrokenReason, number>;

  /**
   * A connection a worker closed unserved, counted as the master's own drops (direct mode's
   * content checks, a rescued connection that said nothing); an unknown reason is malformed.
   */
  countWorkerDrop(reason: string): void {
    if (Object.prototype.hasOwnProperty.call(this.dropped, reason)) this.dropped[reason as DropReason]++;
    else this.malformed++;
  }
  /** Throws of portplex's own code in workers, caught there (the application went on), by where. */
  readonly workerFaults = Object.fromEntries(WORKER_FAULT_KINDS.map((k) => [k, 0])) as Record<WorkerFaultKind, number>;

  /** Counts `n` faults of `kind` in a worker; true for the first of its kind (the master logs it). */
  countWorkerFault(kind: WorkerFaultKind, n: number): boolean {
    const first = this.workerFaults[kind] === 0;
    this.workerFaults[kind] += n;
    return first;
  }
  /** Acks naming a connection that was not the one in flight to that worker. */
  lateAcks = 0;
  /** Failed writes to a worker's channel (the worker is then replaced). */
  sendErrors = 0;
  /** Connections a dead worker had taken but not begun on: served whole by another worker. */
  rescued = 0;
  /** Connections a worker was serving when it died: its clients see them reset. */
  cut = 0;
  /** Hand-overs not answered within the deadline (the worker is stalled until it answers). */
  handoffTimeouts = 0;
  /** Direct mode: connections a worker accepted and handed back because their content belongs to another group. */
  forwarded = 0;
  /** Direct mode: connections a worker accepted that the full table could not record. */
  untracked = 0;
  /** Direct mode: times a worker was given a listener's shared socket, and had it taken away. */
  sharedGiven = 0;
  sharedTaken = 0;
  /** Connections with a sticky key, sent to the worker the session table named, or by the key's hash (unknown key). */
  readonly sticky = { session: 0, hash: 0 };
  /** Per listener: heads or ClientHellos that could not be parsed, by the parser's reason. */
  readonly contentInvalid: Array<Map<string, number>>;

  constructor(listeners: number) {
    this.accepted = new Array<number>(listeners).fill(0);
    this.contentInvalid = Array.from({ length: listeners }, () => new Map());
  }

  /** A listener was added (bound on a worker's request): its counters start at 0. */
  addListener(): void {
    this.accepted.push(0);
    this.contentInvalid.push(new Map());
  }

  /** Counts one unparseable head on `listener`. */
  invalidContent(listener: number, reason: string): void {
    const m = this.contentInvalid[listener];
    m.set(reason, (m.get(reason) ?? 0) + 1);
  }

  get droppedTotal(): number {
    let n = 0;
    for (const v of Object.values(this.dropped)) n += v;
    return n;
  }
}
