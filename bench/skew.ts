// Skewed connection lifetimes for the balance workload: most connections short (exponential),
// a few very long (Pareto), as real traffic mixes page loads with websockets and downloads.
// Seeded, so every setup of a run sees the same sequence of lifetimes.

/** mulberry32: a tiny seeded PRNG with floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The lifetime mix; times in ms. */
export interface SkewOptions {
  /** Share of long-lived (Pareto) connections, 0-1. */
  longShare: number;
  /** Mean lifetime of the short ones (exponential). */
  shortMeanMs: number;
  /** Pareto scale (the shortest long-lived lifetime) and shape (smaller = heavier tail). */
  longMinMs: number;
  longAlpha: number;
  /** No lifetime is longer than this. */
  capMs: number;
}

export const DEFAULT_SKEW: SkewOptions = { longShare: 0.2, shortMeanMs: 150, longMinMs: 500, longAlpha: 1.2, capMs: 60_000 };

/** A generator of lifetimes in ms drawn from `opts` with `random`. */
export function lifetimes(random: () => number, opts: SkewOptions = DEFAULT_SKEW): () => number {
  return () => {
    // 1 - random() is in (0, 1], so the logarithm and the power stay finite.
    const ms = random() < opts.longShare
      ? opts.longMinMs / Math.pow(1 - random(), 1 / opts.longAlpha)
      : -opts.shortMeanMs * Math.log(1 - random());
    return Math.min(ms, opts.capMs);
  };
}
