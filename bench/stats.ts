// Small numeric helpers shared by the runner and the report: medians over rounds and ratios.

/** The median of the finite numbers in `values`, or null when there are none. */
export function median(values: ReadonlyArray<number | null | undefined>): number | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** a / b, or null when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

/** max / mean of per-worker counts over `workers` workers (absent workers count 0); null with no load. */
export function maxOverMean(counts: readonly number[], workers: number = counts.length): number | null {
  if (workers <= 0) return null;
  let total = 0;
  let max = 0;
  for (const c of counts) {
    total += c;
    if (c > max) max = c;
  }
  return total === 0 ? null : max / (total / workers);
}

/** A distribution-free confidence interval for a median: `low` and `high` are order statistics of the sample. */
export interface MedianInterval {
  low: number;
  high: number;
  /** The interval's actual coverage (>= the confidence asked for). */
  confidence: number;
}

/**
 * The narrowest interval [x(k), x(n+1-k)] of sorted `values` that holds the true median with at
 * least `confidence`, from the sign test: the count of values below the median is Binomial(n, 1/2),
 * so no assumption about the shape of the noise is made. Null when n is too small for it (n < 6 at
 * 95%). Wanted for ratios of a shared machine, whose noise is neither normal nor symmetric.
 */
export function medianInterval(values: ReadonlyArray<number | null | undefined>, confidence = 0.95): MedianInterval | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  const n = xs.length;
  // tail = P(Binomial(n, 1/2) <= k - 1), grown one term at a time; coverage = 1 - 2 * tail.
  let term = 0.5 ** n;
  let tail = term;
  let best: MedianInterval | null = null;
  for (let k = 1; k <= n >> 1; k++) {
    const coverage = 1 - 2 * tail;
    if (coverage < confidence) break;
    best = { low: xs[k - 1]!, high: xs[n - k]!, confidence: coverage };
    term = (term * (n - k + 1)) / k;
    tail += term;
  }
  return best;
}
