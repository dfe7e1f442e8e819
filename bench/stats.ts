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
