// The table's 4-tuple index: a chained hash table over slots, kept in typed arrays so that
// inserting and removing allocate nothing (a Map<number, slot> would box every key above
// 2**31 as a heap number). The index stores hashes only; the table compares the columns.

import { NONE, grown } from './columns.js';

/** Slots chained by tuple hash; iterate a chain with first() and next(). */
export class TupleIndex {
  /** First slot of each chain; twice as many buckets as slots keeps chains about one slot long. */
  #buckets: Int32Array;
  /** Next slot in the chain, per slot. */
  #chain: Int32Array;
  /** Each slot's tuple hash, kept for remove and for regrowth. */
  #hash: Int32Array;

  constructor(capacity: number) {
    this.#buckets = new Int32Array(capacity * 2).fill(NONE);
    this.#chain = new Int32Array(capacity);
    this.#hash = new Int32Array(capacity);
  }

  /** Indexes the slot first in its chain: the newest record of a repeated tuple wins lookups. */
  insert(slot: number, hash: number): void {
    const bucket = hash & (this.#buckets.length - 1);
    this.#hash[slot] = hash;
    this.#chain[slot] = this.#buckets[bucket];
    this.#buckets[bucket] = slot;
  }

  /** Unlinks the slot from its chain, leaving any other slot of the same tuple indexed. */
  remove(slot: number): void {
    const bucket = this.#hash[slot] & (this.#buckets.length - 1);
    let s = this.#buckets[bucket];
    if (s === slot) {
      this.#buckets[bucket] = this.#chain[slot];
      return;
    }
    while (s !== NONE) {
      const next = this.#chain[s];
      if (next === slot) {
        this.#chain[s] = this.#chain[slot];
        return;
      }
      s = next;
    }
  }

  /** First slot whose hash shares the bucket of `hash`, or -1. */
  first(hash: number): number {
    return this.#buckets[hash & (this.#buckets.length - 1)];
  }

  /** Next slot in the same chain, or -1. */
  next(slot: number): number {
    return this.#chain[slot];
  }

  /** The slot's tuple hash. */
  hashOf(slot: number): number {
    return this.#hash[slot];
  }

  /**
   * Doubles to `capacity` slots. Doubling splits each chain in two (bucket b and b + old
   * size); walking each old chain and appending keeps the order within chains, so the newest
   * record of a repeated tuple still comes first.
   */
  grow(capacity: number): void {
    const old = this.#buckets;
    const buckets = new Int32Array(capacity * 2).fill(NONE);
    const mask = buckets.length - 1;
    const chain = grown(this.#chain, capacity);
    const hash = grown(this.#hash, capacity);
    for (let b = 0; b < old.length; b++) {
      let lowTail = NONE;
      let highTail = NONE;
      for (let s = old[b]; s !== NONE; ) {
        const next = chain[s];
        chain[s] = NONE;
        if ((hash[s] & mask) === b) {
          if (lowTail === NONE) buckets[b] = s;
          else chain[lowTail] = s;
          lowTail = s;
        } else {
          if (highTail === NONE) buckets[b + old.length] = s;
          else chain[highTail] = s;
          highTail = s;
        }
        s = next;
      }
    }
    this.#buckets = buckets;
    this.#chain = chain;
    this.#hash = hash;
  }
}
