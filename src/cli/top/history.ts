// Samples top keeps between frames (the master keeps only the current figures): each worker's
// connections per second for its sparkline, and each listener's accept count for its rate.
import type { TopStatus } from './data.js';

/** Samples kept per worker: the sparkline's width at most. */
export const SAMPLES = 20;

export class History {
  private readonly rates = new Map<number, number[]>();
  private accepted: number[] | undefined;
  private acceptedAt = 0;
  private listenerRates: Array<number | undefined> = [];

  constructor(private readonly capacity = SAMPLES) {}

  /** Takes one status answer, read at `now` (ms). Workers no longer listed are forgotten. */
  record(status: TopStatus, now: number): void {
    const seen = new Set<number>();
    for (const w of status.workers) {
      seen.add(w.id);
      let list = this.rates.get(w.id);
      if (list === undefined) this.rates.set(w.id, (list = []));
      list.push(w.connectionsPerSecond ?? 0);
      if (list.length > this.capacity) list.shift();
    }
    for (const id of this.rates.keys()) if (!seen.has(id)) this.rates.delete(id);
    const accepted = status.stats?.accepted ?? undefined;
    const seconds = (now - this.acceptedAt) / 1000;
    this.listenerRates = accepted === undefined ? [] : accepted.map((n, i) => {
      const before = this.accepted?.[i];
      // A counter that went down belongs to another master (an upgrade): no rate until the next.
      return before === undefined || n < before || seconds <= 0 ? undefined : (n - before) / seconds;
    });
    this.accepted = accepted;
    this.acceptedAt = now;
  }

  /** A worker's connections per second, oldest first. */
  samples(worker: number): readonly number[] {
    return this.rates.get(worker) ?? [];
  }

  /** Connections a listener accepted per second between the last two answers; undefined before two. */
  listenerRate(index: number): number | undefined {
    return this.listenerRates[index];
  }
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * The last `cells` of `values` as bars, right-aligned: a space for 0, else one of eight heights
 * scaled to the largest value shown (the smallest non-zero value still shows as the lowest bar).
 */
export function sparkline(values: readonly number[], cells: number): string {
  if (cells <= 0) return '';
  const shown = values.slice(-cells);
  const max = Math.max(0, ...shown);
  let out = ' '.repeat(cells - shown.length);
  for (const v of shown) out += v <= 0 || max <= 0 ? ' ' : BARS[Math.max(0, Math.ceil((v / max) * BARS.length) - 1)]!;
  return out;
}
