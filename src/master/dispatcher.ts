// Accept -> pick -> record -> hand over, and everything that can go wrong on the way.
//
// Nothing is lost: the master keeps its copy of each connection until the chosen worker says it
// took it. A refusal or a dead worker sends the connection to another worker; only when none can
// take it (tries used up, queue full or timed out, shutdown) does the master close it, and then
// it counts it.
//
// Never two owners: a connection already sent is only re-dispatched once its worker has answered
// (refused) or died. A worker that misses the deadline is stalled: what waits behind it moves on
// at once, the connection in flight waits for the answer, and a worker silent for
// STUCK_FACTOR deadlines is killed, its exit freeing the connection.
import { performance } from 'node:perf_hooks';
import type { Config, ContentConfig } from '../config/types.js';
import { makeDecider, type Decider, type Decision } from '../content/decide.js';
import { peek, type PeekResult } from '../content/peek.js';
import { makeRouter, type Router } from '../content/router.js';
import { channels } from '../diagnostics.js';
import { FRAME, ackCount, ackId, acksTaken, decodeAccepted, decodeForward, encodeConn, type ForwardFrame } from '../ipc/frames.js';
import { CMD, idList } from '../ipc/messages.js';
import type { ConnectionTable } from '../table/connection-table.js';
import { State } from '../table/types.js';
import type { Handoff } from './handoff.js';
import type { PendingQueue } from './pending-queue.js';
import type { Pool } from './pool.js';
import type { PeerName, RawHandle } from '../internals/tcp-handle.js';
import type { DropReason, MasterStats, RetryReason } from './stats.js';
import type { WorkerSlot } from './worker-slot.js';

/** A worker silent this many hand-over deadlines is killed. */
export const STUCK_FACTOR = 5;

export class Dispatcher {
  stopping = false;
  /** Set by the master: kills a worker that stopped answering. */
  onStuck: (slot: WorkerSlot) => void = () => {};
  /** Set by the master: a worker's process is gone (its UDP flows end before its records are purged). */
  onWorkerGone: (slot: WorkerSlot) => void = () => {};
  /** Set by the master: a missed hand-over deadline counts against the worker's health. */
  onHandoffTimeout: (slot: WorkerSlot) => void = () => {};
  /** Set by the master: a worker's direct-mode connection count changed. */
  onDirectChange: () => void = () => {};
  /** Connections whose handle the master holds (queued or being handed over). */
  held = 0;
  /** The most it may hold before descriptors run short (see fd-budget.ts). */
  budget = Infinity;
  // Reused on every accept and pick: the hot path allocates only the Handoff and its frame.
  private readonly peer: PeerName = {};
  private readonly client: { address: string; port: number; key: string | undefined } /* a ClientInfo */ = { address: '', port: 0, key: undefined };
  private readonly window: number;
  /** Per listener: its content decide step, when it has one. */
  private readonly deciders: Array<Decider | undefined>;
  /** Per listener: its routing rules and sticky key. */
  private readonly routers: Router[];
  /** Direct mode: processes retired by a reload, by table key, with their connection numbers. */
  private readonly retired = new Map<number, { pid: number; seqs: Map<number, number> }>();

  constructor(
    private readonly config: Config,
    readonly table: ConnectionTable,
    /** Per listener: one pool per group it serves, the default group first. */
    private readonly routes: ReadonlyArray<readonly Pool[]>,
    private readonly queue: PendingQueue,
    readonly stats: MasterStats,
    private readonly slots: readonly WorkerSlot[],
  ) {
    this.window = config.handoffWindow;
    this.deciders = config.listeners.map((l) => (l.content ? makeDecider(l.content) : undefined));
    this.routers = config.listeners.map(makeRouter);
  }

  /** The listener's accept callback. */
  readonly onAccept = (listener: number, err: number, handle: RawHandle | undefined): void => {
    if (err !== 0 || handle === undefined) {
      this.stats.acceptErrors++;
      if (channels.acceptError.hasSubscribers) channels.acceptError.publish({ listener, code: err });
      return;
    }
    this.stats.accepted[listener]++;
    if (this.held >= this.budget) {
      // Out of descriptors soon: refuse now, counted, rather than let libuv shed connections unseen.
      handle.close();
      this.stats.dropped.fd_limit++;
      return;
    }
    const peer = this.peer;
    if (handle.getpeername(peer) !== 0 || peer.address === undefined) {
      // Reset before we looked at it: nothing to serve, but it was accepted, so count it.
      handle.close();
      this.stats.dropped.accept_failed++;
      return;
    }
    const now = Date.now();
    const address = peer.address;
    const port = peer.port ?? 0;
    const family = peer.family ?? 'IPv4';
    peer.address = undefined;
    const id = this.table.add('tcp', address, port, listener, State.Queued, now);
    if (id < 0) {
      // 16M records: the table is full; refusing one connection beats failing them all.
      handle.close();
      this.stats.dropped.table_full++;
      return;
    }
    const pool = this.routes[listener][0];
    const h: Handoff = { id, handle, listener, pool, lane: pool.index, clientAddress: address, clientPort: port, clientFamily: family, acceptedHr: performance.now(), tries: 0, since: now, data: undefined };
    this.held++;
    if (this.stopping) return this.drop(h, 'shutdown');
    const content = this.config.listeners[listener].content;
    if (content === undefined) this.dispatch(h);
    else this.preread(h, content);
  };

  /** Content-aware: read the first bytes (bounded), then route and dispatch with them. */
  private preread(h: Handoff, content: ContentConfig): void {
    peek(h.handle, { maxBytes: content.maxBytes, timeoutMs: content.timeout }, this.deciders[h.listener]!, (r) => this.prereadDone(h, content, r));
  }

  /** What was read decides: drop, strip the PROXY header, route; then dispatch with the bytes. */
  private prereadDone(h: Handoff, content: ContentConfig, r: PeekResult<Decision>): void {
    if (r.end === 'closed') return this.drop(h, 'client_closed');
    // Too slow to say anything decidable in time (slowloris): cut, counted.
    if (r.end === 'timeout') return this.drop(h, 'preread_timeout');
    // Full or ended before a decision: judge what there is, as final.
    const d: Decision = r.decision ?? this.deciders[h.listener]!(r.bytes, r.end === 'too-large' ? 'too-large' : 'incomplete')!;
    let bytes = r.bytes;
    if (content.proxy !== undefined) {
      if (d.verdict === 'proxy-invalid') return this.drop(h, 'proxy_invalid');
      bytes = bytes.subarray(d.strip);
      const src = d.proxy?.command === 'proxy' ? d.proxy.source : undefined;
      const family = d.proxy?.family === 'tcp4' ? 'IPv4' : d.proxy?.family === 'tcp6' ? 'IPv6' : undefined;
      if (src && family) {
        this.table.setClient(h.id, src.address, src.port);
        h.clientAddress = src.address;
        h.clientPort = src.port;
        h.clientFamily = family;
      }
    }
    if (d.verdict === 'invalid') {
      this.stats.invalidContent(h.listener, d.reason ?? 'invalid');
      if (content.onInvalid === 'close') return this.drop(h, 'content_invalid');
    } else {
      this.route(h, d);
    }
    h.pool.routed++;
    if (bytes.length > 0) h.data = bytes;
    if (r.end === 'eof') h.eof = true;
    if (this.stopping) return this.drop(h, 'shutdown');
    this.dispatch(h);
  }

  /**
   * Direct mode's rare hand-over: a worker accepted a connection whose first bytes route it to
   * another group, and hands it back with those bytes. It is routed here as if the master had
   * read them itself.
   */
  private onForwarded(f: ForwardFrame | undefined, handle: RawHandle | undefined): void {
    const content = f !== undefined && this.config.listeners[f.listener]?.mode === 'direct' ? this.config.listeners[f.listener].content : undefined;
    if (!handle || f === undefined || content === undefined) {
      this.stats.malformed++;
      handle?.close();
      return;
    }
    const listener = f.listener;
    this.stats.forwarded++;
    const peer = this.peer;
    peer.address = undefined;
    handle.getpeername(peer);
    const address = peer.address ?? '';
    const port = peer.port ?? 0;
    // Unknown (the client already reset): the worker asks its socket, as it would anyway.
    const family = peer.address === undefined ? '' : peer.family ?? 'IPv4';
    const now = Date.now();
    const id = this.table.add('tcp', address, port, listener, State.Queued, now);
    if (id < 0) {
      handle.close();
      this.stats.dropped.table_full++;
      return;
    }
    const pool = this.routes[listener][0];
    const h: Handoff = { id, handle, listener, pool, lane: pool.index, clientAddress: address, clientPort: port, clientFamily: family, acceptedHr: performance.now(), tries: 0, since: now, data: undefined };
    this.held++;
    if (this.stopping) return this.drop(h, 'shutdown');
    // A copy: the frame's bytes live in the read buffer only until we return.
    const bytes = Buffer.from(f.data);
    const decision = this.deciders[listener]!(bytes, 'incomplete');
    this.prereadDone(h, content, { end: f.eof ? 'eof' : 'decided', bytes, decision });
  }

  /** First matching rule picks the group; the sticky key, when present, picks within it. */
  private route(h: Handoff, d: Decision): void {
    const router = this.routers[h.listener];
    const rule = router.match(d);
    if (rule >= 0) {
      h.pool = this.routes[h.listener][router.groupOf[rule]];
      h.lane = h.pool.index;
    }
    h.key = router.key(d);
  }

  /** Gives `h` to a worker now, or queues it. */
  dispatch(h: Handoff): void {
    const slot = this.choose(h);
    if (slot) this.assign(slot, h);
    else if (!this.queue.push(h)) this.drop(h, 'queue_full');
  }

  private choose(h: Handoff): WorkerSlot | undefined {
    const pool = h.pool;
    this.client.address = h.clientAddress;
    this.client.port = h.clientPort;
    this.client.key = h.key;
    const i = h.key !== undefined && pool.sticky ? pool.sticky.pick(pool.members, this.client) : pool.balancer.pick(pool.members, this.client);
    return i >= 0 ? pool.members[i].slot : undefined;
  }

  private assign(slot: WorkerSlot, h: Handoff): void {
    this.table.assign(h.id, slot.id, slot.pid);
    if (slot.inFlight.length < this.window && slot.outbox.length === 0) this.send(slot, h);
    else slot.outbox.push(h);
  }

  private send(slot: WorkerSlot, h: Handoff): void {
    slot.inFlight.push(h);
    h.tries++;
    h.since = Date.now();
    // One write: the frame and the descriptor. No acknowledgement from Node per handle: the
    // worker's ack (batched) is the answer, and our copy stays open until it comes.
    const frame = encodeConn(h.id, h.listener, h.since, h.data, h.eof === true, h.clientFamily === '' ? undefined : h.clientAddress, h.clientPort, h.clientFamily);
    if (slot.frames === undefined || !slot.frames.write(frame, h.handle)) this.onSendError(slot);
  }

  /** Fills the window from the outbox, or sends the stop message once the pipe is empty. */
  private next(slot: WorkerSlot): void {
    while (slot.inFlight.length < this.window && slot.outbox.length > 0) this.send(slot, slot.outbox.shift()!);
    if (slot.idle && slot.stopRequested && slot.state !== 'stopping' && slot.state !== 'exited') this.sendStop(slot);
  }

  /** Takes connection `id` out of the worker's window; undefined if it is not there. */
  private take(slot: WorkerSlot, id: number): Handoff | undefined {
    const list = slot.inFlight;
    for (let i = 0; i < list.length; i++) {
      if (list[i].id === id) return i === 0 ? list.shift() : list.splice(i, 1)[0];
    }
    return undefined;
  }

  /** Handles one frame from a worker; anything malformed is counted and ignored. */
  onFrame(slot: WorkerSlot, type: number, b: Buffer, start: number, end: number, handle: RawHandle | undefined): void {
    if (type === FRAME.acks) {
      const taken = acksTaken(b, start, end);
      if (taken < 0) {
        this.stats.malformed++;
        return;
      }
      for (let i = 0; i < taken; i++) this.onAck(slot, ackId(b, start, i));
      const n = ackCount(start, end);
      if (n > taken) this.onClosedFrame(slot, b, start, taken, n);
      return;
    }
    if (type === FRAME.accepted) return this.onDirectAccepted(slot, b, start, end);
    if (type === FRAME.forward) return this.onForwarded(decodeForward(b, start, end), handle);
    this.stats.malformed++;
    handle?.close();
  }

  /** Handles one JSON message of ours from a worker; anything malformed is counted and ignored. */
  onMessage(slot: WorkerSlot, m: Record<string, unknown>): void {
    switch (m.t) {
      case 'dd':
        // A connection a worker accepted and closed unserved (direct mode): counted here like ours.
        if (typeof m.r === 'string' && Object.prototype.hasOwnProperty.call(this.stats.dropped, m.r)) {
          this.stats.dropped[m.r as DropReason]++;
          return;
        }
        break;
      case 'r':
        if (typeof m.i !== 'number') break;
        this.onRefuse(slot, m.i, typeof m.why === 'string' ? m.why : '');
        return;
      case 'held': {
        const ids = idList(m.c);
        if (!ids) break;
        this.table.reconcile(slot.id, slot.directSeqs.size > 0 ? ids.map((i) => (i < 0 ? slot.directSeqs.get(i) ?? -1 : i)) : ids);
        // Numbers the worker no longer holds were closed with their report lost: forget them too.
        if (slot.directSeqs.size > 0) {
          const held = new Set(ids);
          for (const seq of slot.directSeqs.keys()) if (!held.has(seq)) slot.directSeqs.delete(seq);
        }
        return;
      }
    }
    this.stats.malformed++;
  }

  private onAck(slot: WorkerSlot, id: number): void {
    const h = this.take(slot, id);
    if (h === undefined) {
      // Not a connection in flight to this worker: a confused or malicious worker.
      this.stats.lateAcks++;
      return;
    }
    slot.handedOver++;
    this.stats.handedOver++;
    const now = Date.now();
    this.table.establish(id, now);
    h.handle.close();
    this.held--;
    if (channels.handedOver.hasSubscribers) {
      channels.handedOver.publish({ id, listener: h.listener, worker: slot.id, pid: slot.pid, ms: performance.now() - h.acceptedHr });
    }
    this.answered(slot);
  }

  private onRefuse(slot: WorkerSlot, id: number, why: string): void {
    const h = this.take(slot, id);
    if (h === undefined) {
      this.stats.malformed++;
      return;
    }
    if (why === 'no-server') slot.listening[h.listener] = false;
    this.retry(h, slot, 'refused');
    this.answered(slot);
  }

  /** The worker answered for its connection in flight: it is live, its pipe moves on. */
  private answered(slot: WorkerSlot): void {
    const wasStalled = slot.stalled;
    slot.stalled = false;
    slot.stuckKilled = false;
    this.next(slot);
    if (wasStalled) this.drainQueue();
  }

  /**
   * A process retired by a reload reports under its own table key; only its closes matter (it is
   * sent nothing new), and in direct mode what it still accepted before its stop arrived.
   */
  onRetiredFrame(key: number, type: number, b: Buffer, start: number, end: number): void {
    const retired = this.retired.get(key);
    // Direct mode: it accepts until its stop arrives; what it took is recorded under its key.
    if (type === FRAME.accepted && retired) {
      this.recordAccepts(key, retired.pid, retired.seqs, b, start, end);
      return;
    }
    if (type !== FRAME.acks) return;
    const taken = acksTaken(b, start, end);
    if (taken < 0) return;
    const n = ackCount(start, end);
    for (let i = taken; i < n; i++) {
      let id = ackId(b, start, i);
      if (id < 0) {
        const mapped = retired?.seqs.get(id);
        if (mapped === undefined) continue;
        retired!.seqs.delete(id);
        id = mapped;
      }
      if (this.table.workerOf(id) === key) this.table.remove(id);
    }
  }

  /** A reload retired `slot`'s process under table key `key`: its direct connections' numbers go with it. */
  retireDirect(slot: WorkerSlot, key: number, pid: number): void {
    this.retired.set(key, { pid, seqs: new Map(slot.directSeqs) });
  }

  /** The retired process under `key` is gone (its records were purged). */
  forgetRetired(key: number): void {
    this.retired.delete(key);
  }

  /** Ids from..to-1 of an A frame closed. */
  private onClosedFrame(slot: WorkerSlot, b: Buffer, start: number, from: number, to: number): void {
    // A worker may only close its own records.
    let direct = false;
    for (let i = from; i < to; i++) {
      let id = ackId(b, start, i);
      if (id < 0) {
        // Accepted directly: the worker's number maps to the record.
        const mapped = slot.directSeqs.get(id);
        if (mapped === undefined) continue;
        slot.directSeqs.delete(id);
        id = mapped;
        direct = true;
      }
      if (this.table.workerOf(id) === slot.id) this.table.remove(id);
    }
    if (this.queue.size > 0) this.drainQueue();
    if (direct) this.onDirectChange();
  }

  /** Records what a worker accepted itself (direct mode): a D frame. */
  private onDirectAccepted(slot: WorkerSlot, b: Buffer, start: number, end: number): void {
    slot.directAccepted += this.recordAccepts(slot.id, slot.pid, slot.directSeqs, b, start, end);
    this.onDirectChange();
  }

  /**
   * Fills in the clients a worker names for its direct connections (answering 'peers?'): its
   * accept reports leave them out unless the application had already read them. Anything
   * malformed is counted and the rest of the answer ignored. Returns how many records learned one.
   */
  onPeers(slot: WorkerSlot, p: unknown): number {
    if (!Array.isArray(p) || p.length % 3 !== 0) {
      this.stats.malformed++;
      return 0;
    }
    let learned = 0;
    for (let i = 0; i < p.length; i += 3) {
      const seq: unknown = p[i];
      const address: unknown = p[i + 1];
      const port: unknown = p[i + 2];
      if (typeof seq !== 'number' || !(seq < 0) || typeof address !== 'string' || address.length === 0 || address.length > 255 ||
        typeof port !== 'number' || (port & 0xffff) !== port) {
        this.stats.malformed++;
        return learned;
      }
      const id = slot.directSeqs.get(seq);
      // Closed meanwhile, or not this worker's: nothing to learn.
      if (id === undefined || this.table.workerOf(id) !== slot.id || this.table.clientKnown(id)) continue;
      this.table.setClient(id, address, port);
      learned++;
    }
    return learned;
  }

  /** Adds a D frame's connections under `worker`; returns how many were accepted. */
  private recordAccepts(worker: number, pid: number, seqs: Map<number, number>, b: Buffer, start: number, end: number): number {
    let accepted = 0;
    const now = Date.now();
    const listeners = this.config.listeners;
    const whole = decodeAccepted(b, start, end, (seq, l, address, port) => {
      if (!(seq < 0) || listeners[l]?.mode !== 'direct') {
        this.stats.malformed++;
        return;
      }
      this.stats.accepted[l]++;
      accepted++;
      const id = this.table.add('tcp', address, port, l, State.Queued, now);
      if (id < 0) {
        // Served all the same, by the worker that holds it; only the record is missing.
        this.stats.untracked++;
        return;
      }
      this.table.assign(id, worker, pid, now);
      this.table.establish(id, now);
      seqs.set(seq, id);
    });
    if (!whole) this.stats.malformed++;
    return accepted;
  }

  private onSendError(slot: WorkerSlot): void {
    // The channel to this worker is broken. Which of its connections arrived is unknowable, so
    // none may go elsewhere while it lives: end it, and its exit re-dispatches them all.
    this.stats.sendErrors++;
    if (!slot.stuckKilled) {
      slot.stuckKilled = true;
      this.onStuck(slot);
    }
  }

  /** Tries `h` on another worker; `from` is kept out of this one pick. */
  private retry(h: Handoff, from: WorkerSlot, reason: RetryReason): void {
    this.stats.retries[reason]++;
    if (channels.retried.hasSubscribers) channels.retried.publish({ id: h.id, worker: from.id, reason });
    this.table.unassign(h.id);
    if (h.tries >= this.config.maxHandoffs) return this.drop(h, 'handoff_failed');
    from.excluded = true;
    const slot = this.choose(h);
    from.excluded = false;
    h.since = Date.now();
    if (slot) this.assign(slot, h);
    else if (this.stopping) this.drop(h, 'shutdown');
    else this.queue.unshift(h);
  }

  /** Hands queued connections to workers that can now take them. */
  drainQueue(): void {
    for (let l = 0; l < this.queue.lanesCount; l++) {
      for (let h = this.queue.peek(l); h !== undefined; h = this.queue.peek(l)) {
        const slot = this.choose(h);
        if (!slot) break;
        this.queue.shift(l);
        this.assign(slot, h);
      }
    }
  }

  /** Periodic: deadlines of hand-overs in flight and of queued connections. */
  tick(now: number): void {
    const deadline = this.config.handoffTimeout;
    for (const slot of this.slots) {
      const h = slot.inFlight[0];
      if (h === undefined) continue;
      const age = now - h.since;
      if (age > deadline && !slot.stalled) {
        slot.stalled = true;
        slot.failedHandoffs++;
        this.stats.handoffTimeouts++;
        this.onHandoffTimeout(slot);
        // Never sent, so safe to move now; those in flight wait for the worker's answer.
        for (let w = slot.outbox.shift(); w; w = slot.outbox.shift()) this.retry(w, slot, 'timeout');
      }
      if (age > deadline * STUCK_FACTOR && !slot.stuckKilled) {
        slot.stuckKilled = true;
        this.onStuck(slot);
      }
    }
    for (let l = 0; l < this.queue.lanesCount; l++) {
      for (let h = this.queue.peek(l); h !== undefined && now - h.since > this.config.queueTimeout; h = this.queue.peek(l)) {
        this.queue.shift(l);
        this.drop(h, 'queue_timeout');
      }
    }
  }

  /** A worker's process is gone: re-dispatch what it had not taken, forget what it had. */
  workerGone(slot: WorkerSlot): void {
    this.onWorkerGone(slot);
    // Its process is gone, so whatever it was sent died with it (or never left Node's queue).
    const pending: Handoff[] = slot.inFlight.splice(0);
    for (let h = slot.outbox.shift(); h; h = slot.outbox.shift()) pending.push(h);
    slot.stalled = false;
    slot.stuckKilled = false;
    slot.listening.length = 0;
    slot.shared.length = 0;
    slot.directSeqs.clear();
    for (const h of pending) this.table.unassign(h.id);
    this.table.purgeWorker(slot.id);
    for (const h of pending) this.retry(h, slot, 'worker_exit');
  }

  /** Asks a worker to stop once its pipe is empty. */
  requestStop(slot: WorkerSlot): void {
    slot.stopRequested = true;
    if (slot.idle && slot.state !== 'exited') this.sendStop(slot);
  }

  private sendStop(slot: WorkerSlot): void {
    slot.state = 'stopping';
    try {
      slot.child?.send({ cmd: CMD, t: 'stop' });
    } catch {
      // Channel already closed: the process is on its way out.
    }
  }

  /** Stops dispatching: queued connections that no worker can take now are closed, counted. */
  beginStop(): void {
    this.stopping = true;
    this.drainQueue();
    for (let l = 0; l < this.queue.lanesCount; l++) {
      for (let h = this.queue.shift(l); h; h = this.queue.shift(l)) this.drop(h, 'shutdown');
    }
  }

  private drop(h: Handoff, reason: DropReason): void {
    this.table.remove(h.id);
    h.handle.close();
    this.held--;
    this.stats.dropped[reason]++;
    if (channels.dropped.hasSubscribers) channels.dropped.publish({ id: h.id, listener: h.listener, reason });
  }
}
