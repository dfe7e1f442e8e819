// Connections waiting for a worker: FIFO per lane (one per listener and group, so a group with no
// worker up never holds up another), one bound for all while no worker can take them (HAProxy
// maxqueue); connections that wait only for a busy worker's next answer are not bounded by it.
import type { Handoff } from '../workers/handoff.js';

export class PendingQueue {
  private readonly lanes: Handoff[][];
  private readonly heads: number[];
  private count = 0;

  constructor(lanes: number, readonly capacity: number) {
    this.lanes = Array.from({ length: lanes }, () => []);
    this.heads = new Array<number>(lanes).fill(0);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Adds to the back of its lane; false when the queue is full. `busy`: workers that can take
   * it are only busy (it waits for the next answer, as in Node's cluster), so the bound for
   * having no worker at all does not apply; the descriptor budget still does.
   */
  push(h: Handoff, busy = false): boolean {
    if (this.count >= this.capacity && !busy) return false;
    this.lanes[h.pool].push(h);
    this.count++;
    return true;
  }

  /** Puts a connection back at the front (it was first in line). */
  unshift(h: Handoff): void {
    const items = this.lanes[h.pool];
    if (this.heads[h.pool] > 0) items[--this.heads[h.pool]] = h;
    else items.unshift(h);
    this.count++;
  }

  peek(lane: number): Handoff | undefined {
    return this.lanes[lane][this.heads[lane]];
  }

  shift(lane: number): Handoff | undefined {
    const items = this.lanes[lane];
    const head = this.heads[lane];
    if (head >= items.length) return undefined;
    const h = items[head];
    items[head] = undefined as unknown as Handoff;
    this.count--;
    // Compact once the consumed prefix dominates, so shift stays O(1) amortised.
    if (head + 1 === items.length) {
      items.length = 0;
      this.heads[lane] = 0;
    } else if (head + 1 > 1024 && head + 1 > items.length >> 1) {
      items.splice(0, head + 1);
      this.heads[lane] = 0;
    } else {
      this.heads[lane] = head + 1;
    }
    return h;
  }

  /** Takes out every connection of `lane` queued before `cutoff` (ms), in order, and gives each to `onExpired`. */
  expire(lane: number, cutoff: number, onExpired: (h: Handoff) => void): void {
    const items = this.lanes[lane]!;
    const head = this.heads[lane]!;
    let expired: Handoff[] | undefined;
    for (let i = head; i < items.length; i++) if (items[i]!.since < cutoff) (expired ??= []).push(items[i]!);
    if (expired === undefined) return;
    const kept = items.slice(head).filter((h) => h.since >= cutoff);
    items.length = 0;
    items.push(...kept);
    this.heads[lane] = 0;
    this.count -= expired.length;
    for (const h of expired) onExpired(h);
  }

  /** A pool was added (a listener bound on a worker's request): its lane is the next index. */
  addLane(): void {
    this.lanes.push([]);
    this.heads.push(0);
  }

  get lanesCount(): number {
    return this.lanes.length;
  }
}
