// Records per listener and state, kept as the table's records change state, so a summary of the
// table (the status page's) costs O(listeners) instead of a walk of every slot. Two array
// stores per change, no allocation but the rare doubling when a new listener index appears.

import { grown } from './columns.js';

/** Queued, HandingOver, Established (types.ts State). */
const STATES = 3;

/** Counts by listener index and state. */
export class StateCounts {
  /** At listener * STATES + state. */
  #counts = new Int32Array(4 * STATES);
  #span = 0;

  /** 1 + the highest listener index counted so far: the listeners of(...) can name. */
  get span(): number {
    return this.#span;
  }

  /** A record of `listener` in `state` was added. */
  add(listener: number, state: number): void {
    const at = listener * STATES + state;
    if (at >= this.#counts.length) this.#counts = grown(this.#counts, 2 ** Math.ceil(Math.log2((listener + 1) * STATES)));
    this.#counts[at]++;
    if (listener >= this.#span) this.#span = listener + 1;
  }

  /** A record of `listener` went from state `from` to `to`. */
  move(listener: number, from: number, to: number): void {
    const base = listener * STATES;
    this.#counts[base + from]--;
    this.#counts[base + to]++;
  }

  /** A record of `listener` in `state` was removed. */
  remove(listener: number, state: number): void {
    this.#counts[listener * STATES + state]--;
  }

  /** Records of `listener` in `state`; 0 for a listener or state with none. */
  of(listener: number, state: number): number {
    if (!Number.isInteger(listener) || !Number.isInteger(state) || listener < 0 || listener >= this.#span || state < 0 || state >= STATES) return 0;
    return this.#counts[listener * STATES + state];
  }
}
