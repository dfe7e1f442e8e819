// Direct mode's balance: workers accept on a shared socket, and the kernel alone spreads
// connections badly (Node's docs: over 70% of them in 2 of 8 processes). The master keeps the
// spread by deciding who holds a copy of the socket: a worker above its fair share of active
// connections has its copy taken away, and gets one back once it is under again. A worker
// without a copy is never woken for that socket; connections wait in the socket's backlog for
// the others, never refused, because the master's own copy keeps the socket open.
import { encodeListen } from '../ipc/frames.js';
import { CMD } from '../ipc/messages.js';
import type { ConnectionTable } from '../table/connection-table.js';
import type { Listener } from './listener.js';
import type { MasterStats } from './stats.js';
import type { WorkerSlot } from './worker-slot.js';

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

export class SharedAccept {
  constructor(
    private readonly listeners: readonly Listener[],
    private readonly slots: readonly WorkerSlot[],
    private readonly table: ConnectionTable,
    private readonly stats: MasterStats,
  ) {}

  /** Re-decides who holds each direct listener's socket; cheap enough to run on every report. */
  update(now: number = Date.now()): void {
    for (const l of this.listeners) {
      if (l.shared === undefined) continue;
      this.balance(l, now);
    }
  }

  private balance(l: Listener, now: number): void {
    const index = l.config.index;
    const group = l.config.group;
    let totalActive = 0;
    let totalWeight = 0;
    for (const s of this.slots) {
      if (s.group.name !== group || !this.eligible(s, index)) continue;
      totalActive += this.table.activeCount(s.id);
      totalWeight += s.weight;
    }
    let holders = 0;
    let lightest: WorkerSlot | undefined;
    let lightestLoad = Infinity;
    for (const s of this.slots) {
      if (s.group.name !== group) continue;
      if (!this.eligible(s, index)) {
        if (s.shared[index]) this.take(s, index);
        continue;
      }
      const active = this.table.activeCount(s.id);
      const share = totalWeight > 0 ? (totalActive * s.weight) / totalWeight : 0;
      const holds = s.shared[index] === true;
      const want = holds
        ? active <= share * PAUSE_RATIO + PAUSE_EXTRA || now - (s.sharedAt[index] ?? 0) < MIN_HOLD_MS
        : active <= share + RESUME_EXTRA;
      if (want && !holds) this.give(s, l, now);
      else if (!want && holds) this.take(s, index);
      if (s.shared[index]) holders++;
      const load = s.weight > 0 ? active / s.weight : Infinity;
      if (load < lightestLoad) {
        lightestLoad = load;
        lightest = s;
      }
    }
    // Someone must accept: the least loaded eligible worker, whatever its share.
    if (holders === 0 && lightest !== undefined) this.give(lightest, l, now);
  }

  /** May accept on listener `index` now: up, serving it, healthy, weighted, not leaving. */
  private eligible(s: WorkerSlot, index: number): boolean {
    return s.state === 'ready' && s.listening[index] === true && s.health.healthy && s.weight > 0 &&
      !s.switching && !s.stopRequested && !s.removed && s.child?.connected === true;
  }

  private give(s: WorkerSlot, l: Listener, now: number): void {
    // A write that fails means the channel is closing: the worker is on its way out, and its
    // exit resets what it held.
    if (s.frames?.write(encodeListen(l.config.index), l.shared) !== true) return;
    s.shared[l.config.index] = true;
    s.sharedAt[l.config.index] = now;
    this.stats.sharedGiven++;
  }

  private take(s: WorkerSlot, index: number): void {
    s.shared[index] = false;
    this.stats.sharedTaken++;
    try {
      s.child?.send({ cmd: CMD, t: 'lp', l: index });
    } catch {
      // Gone: its copy closed with it.
    }
  }
}
