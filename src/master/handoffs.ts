// Pick -> record -> hand over, and everything that can go wrong on the way: the one owner of the
// connections the master holds.
//
// Nothing is lost: the master keeps its copy of each connection until the chosen process says
// it took it. A refusal or a dead process sends the connection to another worker; only when
// none can take it (tries used up, queue full or timed out, shutdown) does the master close it,
// and then it counts it.
//
// Never two owners: a connection already sent goes elsewhere only once its process has answered
// (refused) or is gone. A process that misses the deadline gets nothing new (its health counts
// the miss); the connections in flight wait for its answer, and a process silent for
// STUCK_FACTOR deadlines is killed, its exit freeing them. Which workers may be sent a new
// connection at all is the pools' rule (workers/pool.ts).
import { performance } from 'node:perf_hooks';
import type { Config } from '../config/types.js';
import { channels } from '../diagnostics.js';
import type { RawHandle } from '../internals/tcp-handle.js';
import { encodeConn } from '../ipc/frames.js';
import type { ConnectionTable } from '../table/connection-table.js';
import { State } from '../table/types.js';
import { Handoff } from '../workers/handoff.js';
import type { Pools } from '../workers/pools.js';
import type { Registry } from '../workers/registry.js';
import type { Worker } from '../workers/worker.js';
import type { WorkerProcess } from '../workers/worker-process.js';
import type { PendingQueue } from './pending-queue.js';
import type { SessionTable } from './sessions.js';
import type { DropReason, MasterStats, RetryReason } from './stats.js';

/** A process silent this many hand-over deadlines is killed. */
export const STUCK_FACTOR = 5;

/**
 * The master keeps its copy of a taken connection until the worker begins on it, so that a
 * crash before then loses nothing: at most this many per process, for at most UNTOUCHED_MS
 * (a client that says nothing for that long is served by the copy in its worker alone), and
 * only while it holds less than half the descriptors it may.
 */
export const MAX_UNTOUCHED = 1024;
export const UNTOUCHED_MS = 10_000;

/** What the engine asks of the rest of the master. */
export interface HandoffHooks {
  /** `p` stopped answering, or its channel broke: end it; its exit re-dispatches what it had. */
  condemn(p: WorkerProcess, why: string, kind: 'unhealthy' | 'channel'): void;
  /** `p` missed a hand-over deadline: that counts against its health. */
  missedDeadline(p: WorkerProcess): void;
  /** Descriptors run short: close the oldest connection still being read; false when none is. */
  shedReading(): boolean;
  /** Connections being read before their hand-over (preread): held, and in no queue or window yet. */
  reading(): number;
}

export class Handoffs {
  private stopping = false;
  /** The pending-queue lane drainQueue() serves first next time. */
  private nextLane = 0;
  private limit = Infinity;
  // Reused on every pick: the hot path allocates only the Handoff and its frame.
  private readonly client: { address: string; port: number; key: string | undefined } /* a ClientInfo */ = { address: '', port: 0, key: undefined };

  constructor(
    private readonly config: Config,
    private readonly table: ConnectionTable,
    private readonly pools: Pools,
    private readonly queue: PendingQueue,
    private readonly stats: MasterStats,
    private readonly registry: Registry,
    private readonly hooks: HandoffHooks,
    private readonly sessions: SessionTable,
  ) {}

  // The counts are read from where the connections are (the queue, the reads, each process's
  // window and kept copies), so they cannot drift from them: nothing counts a connection by hand.

  /** Connections whose handle the master holds (queued, being read, being handed over, or taken and not yet begun on). */
  get held(): number {
    let n = this.queue.size + this.hooks.reading();
    for (const w of this.registry.workers) n += w.process?.holds ?? 0;
    // A reload's retired processes finish theirs: rarely any, and then the list is built.
    if (this.registry.retiredCount > 0) for (const p of this.registry.retiredProcesses()) n += p.holds;
    return n;
  }

  /**
   * Connections the master holds that no worker has taken yet: queued, being read, or in flight.
   * (The rest of `held` are copies kept of connections workers took, in case they crash.)
   */
  get unsettled(): number {
    let n = this.queue.size + this.hooks.reading();
    for (const w of this.registry.workers) n += w.process?.inFlight ?? 0;
    for (const p of this.registry.retiredProcesses()) n += p.inFlight;
    return n;
  }

  /**
   * Whether the master holds fewer than `bound` connections besides `besides` more out of their
   * collections. Each connection it holds has its record in the table until its copy is closed,
   * so while the table has fewer records the answer needs no sum over the processes: the
   * per-connection path pays for that sum only near the descriptor budget.
   */
  private holdsFewerThan(bound: number, besides = 0): boolean {
    return this.table.size < bound || this.held + besides < bound;
  }

  /** The most it may hold before descriptors run short (see fd-budget.ts). */
  get budget(): number {
    return this.limit;
  }

  setBudget(n: number): void {
    this.limit = n;
  }

  /**
   * Takes a connection the master now holds: records it (queued) and returns its Handoff, or
   * closes and counts it when it cannot be held (descriptors or table full) or the master stops.
   */
  hold(handle: RawHandle, listener: number, address: string, port: number, family: string, now: number): Handoff | undefined {
    // Out of descriptors soon: the oldest connection still being read (a slow client) makes room;
    // with none, refuse now, counted, rather than let libuv shed connections unseen.
    if (!this.holdsFewerThan(this.limit) && !this.hooks.shedReading()) {
      handle.close();
      this.stats.dropped.fd_limit++;
      return undefined;
    }
    const id = this.table.add('tcp', address, port, listener, State.Queued, now);
    if (id < 0) {
      // 16M records: the table is full; refusing one connection beats failing them all.
      handle.close();
      this.stats.dropped.table_full++;
      return undefined;
    }
    const pool = this.pools.defaultOf(listener).index;
    const h = new Handoff(id, handle, listener, pool, address, port, family, performance.now(), now);
    if (this.stopping) {
      this.drop(h, 'shutdown');
      return undefined;
    }
    return h;
  }

  /** Gives `h` to a worker now, or queues it (its queue time starting `now`). */
  dispatch(h: Handoff, now = Date.now()): void {
    if (this.stopping) return this.drop(h, 'shutdown');
    const worker = this.choose(h, now);
    if (worker) return this.send(worker, h, now);
    // Its queue time starts now: the time a preread took (a slow client's head) is not the
    // queue's, or a connection read for 4.7 s would time out 0.3 s after it was queued.
    h.waitingSince(now);
    if (!this.queue.push(h, this.pools.all[h.pool]!.hasEligible())) this.drop(h, 'queue_full');
  }

  /** The worker for `h` now; `avoid` is the id of one that just refused it (not asked again at once). */
  private choose(h: Handoff, now: number, avoid = 0): Worker | undefined {
    const pool = this.pools.all[h.pool]!;
    const client = this.client;
    client.address = h.clientAddress;
    client.port = h.clientPort;
    client.key = h.key;
    if (h.key === undefined || !pool.sticky) return pool.pick(client, now, avoid);
    // A session the master knows goes to the process that created it; an unknown key (or one
    // whose process cannot take it) is hashed. The owner's report came in before this
    // connection's first bytes could: see in-worker/session-report.ts.
    const owner = this.sessions.find(h.key, now);
    if (owner !== undefined) {
      const w = pool.pickOwner(owner.worker, owner.pid, avoid);
      if (w !== null) {
        if (w !== undefined) this.stats.sticky.session++;
        return w;
      }
    }
    const w = pool.pickSticky(client, avoid);
    if (w !== undefined) this.stats.sticky.hash++;
    return w;
  }

  private send(worker: Worker, h: Handoff, now: number): void {
    const p = worker.process!;
    this.table.assign(h.id, worker.id, p.pid, now);
    h.sentAt(now);
    // One write: the frame and the descriptor. No acknowledgement from Node per handle: the
    // process's ack (batched) is the answer, and our copy stays open until it comes.
    const frame = encodeConn(h.id, h.listener, now, h.data, h.eof, h.clientFamily === '' ? undefined : h.clientAddress, h.clientPort, h.clientFamily, h.rescued);
    if (!p.handOver(h, frame)) this.broken(p);
  }

  /** `p` took connection `id` (an ack); it now owns it and the master closes its copy. */
  onAck(p: WorkerProcess, id: number): void {
    const now = Date.now();
    const h = p.settle(id, now);
    if (h === undefined) {
      // Not a connection in flight to this process: a confused or malicious worker.
      this.stats.lateAcks++;
      return;
    }
    this.registry.currentOf(p)?.countHandedOver();
    p.countHandedOver();
    this.stats.handedOver++;
    this.table.establish(id, now);
    // `held` no longer counts this one (out of its window, not yet kept); its record is still there.
    if (p.untouchedCount < MAX_UNTOUCHED && this.holdsFewerThan(this.limit / 2, 1)) {
      // Kept until the worker begins on it (its next report, or a close).
      h.takenAt(now);
      p.keep(h);
    } else {
      h.handle.close();
    }
    if (channels.handedOver.hasSubscribers) {
      channels.handedOver.publish({ id, listener: h.listener, worker: p.workerId, pid: p.pid, ms: performance.now() - h.acceptedHr });
    }
    if (this.queue.size > 0) this.drainQueue();
  }

  /** `p` began on connection `id`, or closed it: the master's copy, if kept, is closed. */
  onBegun(p: WorkerProcess, id: number): void {
    const h = p.begun(id);
    if (h === undefined) return;
    h.handle.close();
  }

  /**
   * `p` did not take connection `id`. What it says of itself keeps it from being picked for the
   * same reason again: no server for that listener, a full server, or stopping.
   */
  onRefuse(p: WorkerProcess, id: number, why: string): void {
    const h = p.settle(id);
    if (h === undefined) {
      this.stats.malformed++;
      return;
    }
    if (why === 'no-server') p.unlisten(h.listener);
    else if (why === 'full') p.markFull();
    else if (why === 'stopping') p.beginLeaving();
    // 'stale': it was blocked; the retry goes to another worker, later ones may come back to it.
    this.retry(h, p, 'refused');
    if (this.queue.size > 0) this.drainQueue();
  }

  /** Tries `h` on another worker (a refusing one is passed over for this pick), or queues it. */
  private retry(h: Handoff, from: WorkerProcess, reason: RetryReason): void {
    if (this.retryNow(h, from, reason)) this.queue.unshift(h);
  }

  /** Sends, drops or settles `h` now; true when it must go back to the front of its lane. */
  private retryNow(h: Handoff, from: WorkerProcess, reason: RetryReason): boolean {
    this.stats.retries[reason]++;
    if (channels.retried.hasSubscribers) channels.retried.publish({ id: h.id, worker: from.workerId, reason });
    this.table.unassign(h.id);
    if (h.tries >= this.config.maxHandoffs) {
      this.drop(h, 'handoff_failed');
      return false;
    }
    const now = Date.now();
    h.waitingSince(now);
    const worker = this.choose(h, now, reason === 'refused' ? from.workerId : 0);
    if (worker) this.send(worker, h, now);
    else if (this.stopping) this.drop(h, 'shutdown');
    else return true;
    return false;
  }

  /**
   * Hands queued connections to workers that can now take them: one per lane in turn, starting
   * after the lane served first last time, so that no listener's connections wait behind
   * another's while the same workers serve both.
   */
  drainQueue(): void {
    const queue = this.queue;
    if (queue.size === 0) return;
    const now = Date.now();
    const lanes = queue.lanesCount;
    const first = this.nextLane;
    this.nextLane = (first + 1) % lanes;
    for (let moved = true; moved && queue.size > 0;) {
      moved = false;
      for (let k = 0; k < lanes; k++) {
        const l = (first + k) % lanes;
        const h = queue.peek(l);
        if (h === undefined) continue;
        const worker = this.choose(h, now);
        if (!worker) continue;
        queue.shift(l);
        this.send(worker, h, now);
        moved = true;
      }
    }
  }

  /** Periodic: deadlines of hand-overs in flight and of queued connections. */
  tick(now: number): void {
    const deadline = this.config.handoffTimeout;
    for (const w of this.registry.workers) {
      const p = w.process;
      if (p === undefined || p.inFlight === 0) continue;
      if (p.missDeadline(now, deadline)) {
        this.stats.handoffTimeouts++;
        this.hooks.missedDeadline(p);
      }
      if (p.waited(now) > deadline * STUCK_FACTOR && p.condemn()) {
        this.hooks.condemn(p, `has not answered a hand-over for ${deadline * STUCK_FACTOR} ms`, 'unhealthy');
      }
    }
    // The whole lane, not only its head: a retried connection goes back to the front with a
    // fresh time, and those behind it must still time out.
    const cutoff = now - this.config.queueTimeout;
    for (let l = 0; l < this.queue.lanesCount; l++) this.queue.expire(l, cutoff, this.expired);
    for (const w of this.registry.workers) w.process?.expireUntouched(now - UNTOUCHED_MS, this.letGo);
    for (const p of this.registry.retiredProcesses()) p.expireUntouched(now - UNTOUCHED_MS, this.letGo);
    this.sessions.expire(now);
  }

  private readonly letGo = (h: Handoff): void => h.handle.close();

  private readonly expired = (h: Handoff): void => this.drop(h, 'queue_timeout');

  /**
   * `p` is gone (its records were under table key `key`): what it had not answered, and what it
   * took but had not begun on, goes to other workers whole; what it was serving is cut, counted,
   * and its records are forgotten.
   */
  processGone(p: WorkerProcess, key: number): void {
    const whole = p.releaseAll();
    const untouched = p.releaseUntouched();
    for (const h of untouched) {
      // Served by another worker as if it had just been accepted.
      h.rescue();
      this.stats.rescued++;
    }
    whole.push(...untouched);
    whole.sort((a, b) => a.acceptedHr - b.acceptedHr);
    for (const h of whole) this.table.unassign(h.id);
    // Its sessions lived in its memory: their keys hash again (the clients start new sessions).
    this.sessions.purge(p.pid);
    const purged = this.table.purgeWorker(key).length;
    if (!p.drained) this.stats.cut += purged;
    const requeue: Handoff[] = [];
    for (const h of whole) if (this.retryNow(h, p, 'worker_exit')) requeue.push(h);
    // Back at the front of their lanes in the order they were accepted.
    for (let i = requeue.length - 1; i >= 0; i--) this.queue.unshift(requeue[i]!);
  }

  /** Stops dispatching: queued connections that no worker can take now are closed, counted. */
  beginStop(): void {
    this.stopping = true;
    this.drainQueue();
    for (let l = 0; l < this.queue.lanesCount; l++) {
      for (let h = this.queue.shift(l); h; h = this.queue.shift(l)) this.drop(h, 'shutdown');
    }
  }

  /** Closes a connection the master holds, counted by `reason`. */
  drop(h: Handoff, reason: DropReason): void {
    this.table.remove(h.id);
    h.handle.close();
    this.stats.dropped[reason]++;
    if (channels.dropped.hasSubscribers) channels.dropped.publish({ id: h.id, listener: h.listener, reason });
  }

  /** The channel to `p` is broken: which of its connections arrived is unknowable, so none may go elsewhere while it lives. */
  private broken(p: WorkerProcess): void {
    this.stats.sendErrors++;
    if (p.condemn()) this.hooks.condemn(p, 'its IPC channel failed a write', 'channel');
  }
}
