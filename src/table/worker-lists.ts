// Per-worker doubly linked lists of slots, with their lengths: O(1) active counts for the
// balancers, and purge or reconcile in O(records of that worker) instead of a table scan.

import { NONE, grown } from './columns.js';

/** Highest worker id accepted: worker ids are small stable indexes, and a bound keeps a bad one from sizing an array. */
export const MAX_WORKER = 2 ** 16 - 1;

/** True for an id that can own records. */
export function isWorker(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_WORKER;
}

/** Which worker each slot belongs to, as lists per worker. */
export class WorkerLists {
  /** Worker of each slot, or -1. */
  #worker: Int32Array;
  #next: Int32Array;
  #prev: Int32Array;
  /** First slot per worker id. */
  #heads = new Int32Array(16).fill(NONE);
  #counts = new Int32Array(16);

  constructor(capacity: number) {
    this.#worker = new Int32Array(capacity);
    this.#next = new Int32Array(capacity);
    this.#prev = new Int32Array(capacity);
  }

  /** The slot's worker, or -1. */
  workerOf(slot: number): number {
    return this.#worker[slot];
  }

  /** Records of the worker; 0 for any id that owns none. */
  count(worker: number): number {
    return isWorker(worker) && worker < this.#counts.length ? this.#counts[worker] : 0;
  }

  /** First slot of the worker's list (newest first), or -1. */
  first(worker: number): number {
    return isWorker(worker) && worker < this.#heads.length ? this.#heads[worker] : NONE;
  }

  /** Next slot of the same worker, or -1. */
  next(slot: number): number {
    return this.#next[slot];
  }

  /** Marks a newly added slot as belonging to no worker. */
  clear(slot: number): void {
    this.#worker[slot] = NONE;
  }

  /** Adds a slot that belongs to no worker to the list of `worker` (a valid id). */
  attach(slot: number, worker: number): void {
    if (worker >= this.#heads.length) {
      const size = Math.min(Math.max(worker + 1, this.#heads.length * 2), MAX_WORKER + 1);
      this.#heads = grown(this.#heads, size, NONE);
      this.#counts = grown(this.#counts, size);
    }
    const head = this.#heads[worker];
    this.#next[slot] = head;
    this.#prev[slot] = NONE;
    if (head !== NONE) this.#prev[head] = slot;
    this.#heads[worker] = slot;
    this.#counts[worker]++;
    this.#worker[slot] = worker;
  }

  /** Takes the slot out of its worker's list, if it is in one. */
  detach(slot: number): void {
    const worker = this.#worker[slot];
    if (worker === NONE) return;
    const prev = this.#prev[slot];
    const next = this.#next[slot];
    if (prev === NONE) this.#heads[worker] = next;
    else this.#next[prev] = next;
    if (next !== NONE) this.#prev[next] = prev;
    this.#counts[worker]--;
    this.#worker[slot] = NONE;
  }

  /** Makes room for `capacity` slots. */
  grow(capacity: number): void {
    this.#worker = grown(this.#worker, capacity);
    this.#next = grown(this.#next, capacity);
    this.#prev = grown(this.#prev, capacity);
  }
}
