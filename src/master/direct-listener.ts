// Direct-mode listeners: workers accept on a shared socket themselves (as with cluster's
// SCHED_NONE), and the master keeps what dispatch mode gives: the connection table, from the
// workers' accept and close reports, and the balance, by deciding who holds a copy of the socket.
//
// The kernel alone spreads connections badly (Node's docs: over 70% of them in 2 of 8
// processes). A worker above its fair share of active connections has its copy taken away, and
// gets one back once it is under again. A worker without a copy is never woken for that socket;
// connections wait in the socket's backlog for the others, never refused, because the master's
// own copy keeps the socket open.
import type { Config } from '../config/types.js';
import { decodeAccepted, encodeListen } from '../ipc/frames.js';
import { CMD } from '../ipc/protocol.js';
import type { ConnectionTable } from '../table/connection-table.js';
import { State } from '../table/types.js';
import type { Registry } from '../workers/registry.js';
import type { Worker } from '../workers/worker.js';
import type { WorkerProcess } from '../workers/worker-process.js';
import type { Listener } from './listener.js';
import type { MasterStats } from './stats.js';

/** Take the socket from a worker above share x PAUSE_RATIO + PAUSE_EXTRA active connections. */
const PAUSE_RATIO = 1.25;
const PAUSE_EXTRA = 4;
/** Give it back once at or under share + RESUME_EXTRA (the gap stops a worker flapping). */
const RESUME_EXTRA = 1;
/**
 * A worker keeps a socket it was given at least this long, unless it stops being eligible. Under
 * many short connections active counts jitter around the share; without this the socket moved
 * 170 times a second in the benchmark, each move an IPC hand-over and an idle gap for the worker.
 */
const MIN_HOLD_MS = 200;

export class DirectListener {
  constructor(
    private readonly config: Config,
    /** The direct-mode listeners (bound, not listening in the master). */
    private readonly listeners: readonly Listener[],
    private readonly registry: Registry,
    private readonly table: ConnectionTable,
    private readonly stats: MasterStats,
  ) {}

  /** Re-decides who holds each direct listener's socket; cheap enough to run on every report. */
  update(now: number = Date.now()): void {
    if (this.listeners.length === 0) return;
    for (const l of this.listeners) if (l.shared !== undefined) this.balance(l, now);
  }

  /** A D frame of `p` (its table key `key`): the connections it accepted itself. */
  onAccepted(p: WorkerProcess, key: number, b: Buffer, start: number, end: number): void {
    const now = Date.now();
    const listeners = this.config.listeners;
    const whole = decodeAccepted(b, start, end, (seq, l, address, port) => {
      if (!(seq < 0) || listeners[l]?.mode !== 'direct') {
        this.stats.malformed++;
        return;
      }
      this.stats.accepted[l]!++;
      const id = this.table.add('tcp', address, port, l, State.Queued, now);
      if (id < 0) {
        // Served all the same, by the process that holds it; only the record is missing.
        this.stats.untracked++;
      } else {
        this.table.assign(id, key, p.pid, now);
        this.table.establish(id, now);
      }
      p.direct.accept(seq, id);
    });
    if (!whole) this.stats.malformed++;
    this.update(now);
  }

  /**
   * Fills in the clients `p` names for its direct connections (answering 'peers?'): its accept
   * reports leave them out unless the application had already read them. Anything malformed is
   * counted and the rest of the answer ignored. Returns how many records learned one.
   */
  onPeers(p: WorkerProcess, key: number, triples: readonly unknown[]): number {
    if (triples.length % 3 !== 0) {
      this.stats.malformed++;
      return 0;
    }
    let learned = 0;
    for (let i = 0; i < triples.length; i += 3) {
      const seq = triples[i];
      const address = triples[i + 1];
      const port = triples[i + 2];
      if (typeof seq !== 'number' || !(seq < 0) || typeof address !== 'string' || address.length === 0 || address.length > 255 ||
        typeof port !== 'number' || (port & 0xffff) !== port) {
        this.stats.malformed++;
        return learned;
      }
      const id = p.direct.recordOf(seq);
      // Closed meanwhile, or not this process's: nothing to learn.
      if (id === undefined || this.table.workerOf(id) !== key || this.table.clientKnown(id)) continue;
      this.table.setClient(id, address, port);
      learned++;
    }
    return learned;
  }

  /** The ids `p` still holds (answering 'held?'), its own numbers for what it accepted itself. */
  onHeld(p: WorkerProcess, key: number, ids: readonly number[]): void {
    if (p.direct.open === 0) {
      this.table.reconcile(key, ids);
      return;
    }
    this.table.reconcile(key, ids.map((i) => (i < 0 ? p.direct.recordOf(i) ?? -1 : i)));
    // Numbers it no longer holds were closed with their report lost: forget them too.
    p.direct.keepOnly(new Set(ids));
  }

  private balance(l: Listener, now: number): void {
    const index = l.config.index;
    const group = l.config.group;
    let totalActive = 0;
    let totalWeight = 0;
    for (const w of this.registry.workers) {
      if (w.group.name !== group || !w.accepts(index)) continue;
      totalActive += this.table.activeCount(w.id);
      totalWeight += w.weight;
    }
    let holders = 0;
    let lightest: Worker | undefined;
    let lightestLoad = Infinity;
    for (const w of this.registry.workers) {
      const p = w.process;
      if (w.group.name !== group || p === undefined) continue;
      if (!w.accepts(index)) {
        if (p.direct.holds(index)) this.take(p, index);
        continue;
      }
      const active = this.table.activeCount(w.id);
      const share = totalWeight > 0 ? (totalActive * w.weight) / totalWeight : 0;
      const holds = p.direct.holds(index);
      const want = holds
        ? active <= share * PAUSE_RATIO + PAUSE_EXTRA || now - p.direct.heldSince(index) < MIN_HOLD_MS
        : active <= share + RESUME_EXTRA;
      if (want && !holds) this.give(p, l, now);
      else if (!want && holds) this.take(p, index);
      if (p.direct.holds(index)) holders++;
      const load = w.weight > 0 ? active / w.weight : Infinity;
      if (load < lightestLoad) {
        lightestLoad = load;
        lightest = w;
      }
    }
    // Someone must accept: the least loaded eligible worker, whatever its share.
    if (holders === 0 && lightest?.process !== undefined) this.give(lightest.process, l, now);
  }

  private give(p: WorkerProcess, l: Listener, now: number): void {
    // A write that fails means the channel is closing: the process is on its way out.
    if (!p.write(encodeListen(l.config.index), l.shared)) return;
    p.direct.given(l.config.index, now);
    this.stats.sharedGiven++;
  }

  private take(p: WorkerProcess, index: number): void {
    p.direct.taken(index);
    this.stats.sharedTaken++;
    // Gone meanwhile: its copy closed with it.
    p.send({ cmd: CMD, t: 'lp', l: index });
  }
}
