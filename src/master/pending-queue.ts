// Connections waiting for an eligible worker: FIFO per listener, one bound for all (HAProxy maxqueue).
import type { Handoff } from './handoff.js';

export class PendingQueue {
  private readonly lanes: Handoff[][];
  private readonly heads: number[];
  private count = 0;

  constructor(listeners: number, readonly capacity: number) {
    this.lanes = Array.from({ length: listeners }, () => []);
    this.heads = new Array<number>(listeners).fill(0);
  }

  get size(): number {
    return this.count;
  }

  /** Adds to the back of its listener's lane; false when the queue is full. */
  push(h: Handoff): boolean {
    if (this.count >= this.capacity) return false;
    this.lanes[h.listener].push(h);
    this.count++;
    return true;
  }

  /** Puts a connection back at the front (it was first in line). */
  unshift(h: Handoff): void {
    const lane = this.lanes[h.listener];
    if (this.heads[h.listener] > 0) lane[--this.heads[h.listener]] = h;
    else lane.unshift(h);
    this.count++;
  }

  peek(listener: number): Handoff | undefined {
    return this.lanes[listener][this.heads[listener]];
  }

  shift(listener: number): Handoff | undefined {
    const lane = this.lanes[listener];
    const head = this.heads[listener];
    if (head >= lane.length) return undefined;
    const h = lane[head];
    lane[head] = undefined as unknown as Handoff;
    this.count--;
    // Compact once the consumed prefix dominates, so shift stays O(1) amortised.
    if (head + 1 === lane.length) {
      lane.length = 0;
      this.heads[listener] = 0;
    } else if (head + 1 > 1024 && head + 1 > lane.length >> 1) {
      lane.splice(0, head + 1);
      this.heads[listener] = 0;
    } else {
      this.heads[listener] = head + 1;
    }
    return h;
  }

  get lanesCount(): number {
    return this.lanes.length;
  }
}
