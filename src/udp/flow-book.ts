// UDP flows as records of the connection table, kept in least-recently-active order.
//
// A flow is the client address and port on one listener (IPVS keys UDP "connections" the same
// way). Its record lives in the shared connection table (protocol udp, state established), so
// `portplex connections` lists it and least-connections counts it. What the table lacks is an
// order by idleness: expiring idle flows and evicting the longest-idle one at the limit must not
// scan the table. So each listener has a doubly linked list over table slots, in typed arrays:
// a datagram moves its flow to the tail (a few stores, no allocation), the head is the
// longest-idle flow, and expiry pops heads until one is still fresh.
//
// Records can vanish behind the book's back (a test or an admin action removing ids, a purge
// of a worker's records): every list entry remembers the id it was linked for, and an entry
// whose id is no longer live is unlinked when met, never trusted.
import type { ConnectionTable } from '../table/connection-table.js';
import { State } from '../table/types.js';

const NONE = -1;

/** Why a flow ended. */
export type FlowEnd = 'expired' | 'evicted' | 'worker_gone' | 'moved';

/** Per-listener counts of flows opened and ended, read by metrics. */
export interface FlowCounts {
  readonly active: number[];
  readonly created: number[];
  readonly expired: number[];
  readonly evicted: number[];
  /** Dropped because their worker died or stopped serving; they reopen on their next datagram. */
  readonly purged: number[];
}

export class FlowBook {
  readonly counts: FlowCounts;
  #size = 0;
  // Per slot of the table: the id linked there (0 = none), its listener, and list neighbours.
  #ids: Float64Array;
  #listener: Uint16Array;
  #prev: Int32Array;
  #next: Int32Array;
  // Per listener: list ends.
  readonly #head: Int32Array;
  readonly #tail: Int32Array;

  constructor(
    private readonly table: ConnectionTable,
    listeners: number,
    /** Flows at most, all listeners together. */
    readonly maxFlows: number,
  ) {
    const zeros = (): number[] => new Array<number>(listeners).fill(0);
    this.counts = { active: zeros(), created: zeros(), expired: zeros(), evicted: zeros(), purged: zeros() };
    this.#head = new Int32Array(listeners).fill(NONE);
    this.#tail = new Int32Array(listeners).fill(NONE);
    const n = table.capacity;
    this.#ids = new Float64Array(n);
    this.#listener = new Uint16Array(n);
    this.#prev = new Int32Array(n).fill(NONE);
    this.#next = new Int32Array(n).fill(NONE);
  }

  /** Flows tracked, all listeners. */
  get size(): number {
    return this.#size;
  }

  /** The flow's record id, or -1. */
  find(address: string, port: number, listener: number): number {
    return this.table.lookup('udp', address, port, listener);
  }

  /** The flow's worker id, or -1. */
  workerOf(id: number): number {
    return this.table.workerOf(id);
  }

  /**
   * Opens a flow owned by `worker` (evicting the longest-idle flow first when at the limit).
   * Returns its id, or -1 when the table cannot take another record.
   */
  open(address: string, port: number, listener: number, worker: number, pid: number, now: number): number {
    while (this.#size >= this.maxFlows) {
      const oldest = this.oldest();
      if (oldest < 0) break;
      this.close(oldest, 'evicted');
    }
    const id = this.table.add('udp', address, port, listener, State.Queued, now);
    if (id < 0) return -1;
    this.table.assign(id, worker, pid, now);
    this.table.establish(id, now);
    const slot = this.table.slotOf(id);
    this.#fit(slot);
    // The slot may still be linked for a record removed behind our back: forget that one first.
    if (this.#ids[slot] !== 0) this.#unlink(slot);
    this.#append(slot, id, listener);
    this.counts.created[listener]++;
    return id;
  }

  /** A datagram went either way: the flow is now the most recently active one. */
  touch(id: number, now: number): void {
    if (!this.table.touch(id, now)) return;
    const slot = this.table.slotOf(id);
    if (slot >= this.#ids.length || this.#ids[slot] !== id) return;
    const listener = this.#listener[slot];
    if (this.#tail[listener] === slot) return;
    this.#unlink(slot);
    this.#append(slot, id, listener);
  }

  /** Ends a flow and removes its record; false if it is not a flow of this book. */
  close(id: number, why: FlowEnd): boolean {
    const slot = this.table.slotOf(id);
    if (slot < 0 || slot >= this.#ids.length || this.#ids[slot] !== id) return false;
    const listener = this.#listener[slot];
    this.#unlink(slot);
    this.table.remove(id);
    if (why === 'expired') this.counts.expired[listener]++;
    else if (why === 'evicted') this.counts.evicted[listener]++;
    else this.counts.purged[listener]++;
    return true;
  }

  /** The longest-idle flow of all listeners, or -1 when there is none. */
  oldest(): number {
    let best = NONE;
    let bestAt = Infinity;
    for (let l = 0; l < this.#head.length; l++) {
      const slot = this.#live(l);
      if (slot === NONE) continue;
      const at = this.table.lastActiveOf(this.#ids[slot]);
      if (at < bestAt) {
        bestAt = at;
        best = this.#ids[slot];
      }
    }
    return best;
  }

  /** Ends every flow idle longer than its listener's timeout; returns how many. O(expired). */
  expire(now: number, timeoutOf: (listener: number) => number): number {
    let n = 0;
    for (let l = 0; l < this.#head.length; l++) {
      const timeout = timeoutOf(l);
      for (let slot = this.#live(l); slot !== NONE; slot = this.#live(l)) {
        const id = this.#ids[slot];
        if (now - this.table.lastActiveOf(id) <= timeout) break;
        this.close(id, 'expired');
        n++;
      }
    }
    return n;
  }

  /** Ends every flow of `worker` (it died or stopped serving); they reopen on their next datagram. */
  purgeWorker(worker: number): number {
    const ids: number[] = [];
    this.table.forEachOfWorker(worker, (id) => {
      if (this.table.protocolOf(id) === 'udp') ids.push(id);
    });
    let n = 0;
    for (const id of ids) if (this.close(id, 'worker_gone')) n++;
    return n;
  }

  /** Ends every flow of `worker` on one listener (its application closed that socket). */
  purgeWorkerListener(worker: number, listener: number): number {
    const ids: number[] = [];
    this.table.forEachOfWorker(worker, (id) => {
      if (this.table.protocolOf(id) === 'udp' && this.table.listenerOf(id) === listener) ids.push(id);
    });
    let n = 0;
    for (const id of ids) if (this.close(id, 'worker_gone')) n++;
    return n;
  }

  /** The head slot of a listener's list whose record is still live, unlinking dead entries met on the way. */
  #live(listener: number): number {
    for (let slot = this.#head[listener]; slot !== NONE; slot = this.#head[listener]) {
      if (this.table.slotOf(this.#ids[slot]) === slot) return slot;
      this.#unlink(slot);
    }
    return NONE;
  }

  #append(slot: number, id: number, listener: number): void {
    this.#ids[slot] = id;
    this.#listener[slot] = listener;
    const tail = this.#tail[listener];
    this.#prev[slot] = tail;
    this.#next[slot] = NONE;
    if (tail === NONE) this.#head[listener] = slot;
    else this.#next[tail] = slot;
    this.#tail[listener] = slot;
    this.#size++;
    this.counts.active[listener]++;
  }

  #unlink(slot: number): void {
    const listener = this.#listener[slot];
    const prev = this.#prev[slot];
    const next = this.#next[slot];
    if (prev === NONE) this.#head[listener] = next;
    else this.#next[prev] = next;
    if (next === NONE) this.#tail[listener] = prev;
    else this.#prev[next] = prev;
    this.#prev[slot] = NONE;
    this.#next[slot] = NONE;
    this.#ids[slot] = 0;
    this.#size--;
    this.counts.active[listener]--;
  }

  /** Grows the per-slot arrays with the table (which doubles). */
  #fit(slot: number): void {
    if (slot < this.#ids.length) return;
    let n = this.#ids.length;
    while (n <= slot) n *= 2;
    const ids = new Float64Array(n);
    ids.set(this.#ids);
    const listener = new Uint16Array(n);
    listener.set(this.#listener);
    const prev = new Int32Array(n).fill(NONE);
    prev.set(this.#prev);
    const next = new Int32Array(n).fill(NONE);
    next.set(this.#next);
    this.#ids = ids;
    this.#listener = listener;
    this.#prev = prev;
    this.#next = next;
  }
}
