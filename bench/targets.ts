// The targets of issue 6, as data, and their evaluation against one run.
import type { MetricKey, SetupRound } from './metrics.js';
import type { MicroResults } from './micro/run.js';
import { median, type MedianInterval } from './stats.js';
import type { PairResult, PairSpec } from './pairs.js';
import { pairedRatio } from './summary.js';

/** A figure of one setup (optionally as a ratio to another in the same rounds), or a micro-benchmark figure. */
export type TargetSource =
  | { setup: string; metric: MetricKey; base?: string }
  | { micro: 'tableBytesPerRecord' | 'tableInsertDeletePerSec' };

export interface Target {
  name: string;
  source: TargetSource;
  /** Passes when the measured value is >= min and <= max (whichever is given). */
  min?: number;
  max?: number;
  unit: string;
}

export interface TargetResult extends Target {
  measured: number | null;
  /** How it was measured: 'paired' (alternating runs of the two setups), or over the rounds. */
  method?: 'paired' | 'rounds';
  /** The same ratio over the rounds, when the paired runs gave `measured`. */
  rounds?: number | null;
  /** The paired median's 95% interval, when the paired runs gave `measured`. */
  interval?: MedianInterval | null;
  /**
   * With an interval: false when it reaches across a bound, i.e. the status follows the median but
   * this run's noise cannot tell a pass from a fail.
   */
  resolved?: boolean;
  status: 'pass' | 'fail' | 'n/a';
  note?: string;
}

export const TARGETS: readonly Target[] = [
  { name: 'dispatch new-connection rate vs cluster RR', source: { setup: 'portplex-round-robin', metric: 'newConnRps', base: 'cluster-rr' }, min: 1.3, unit: 'x' },
  { name: 'dispatch keep-alive rate vs SCHED_NONE', source: { setup: 'portplex-round-robin', metric: 'keepAliveRps', base: 'cluster-none' }, min: 0.97, unit: 'x' },
  { name: 'direct mode new-connection rate vs SCHED_NONE', source: { setup: 'portplex-direct', metric: 'newConnRps', base: 'cluster-none' }, min: 0.95, unit: 'x' },
  { name: 'connection table bytes per record (1M records)', source: { micro: 'tableBytesPerRecord' }, max: 200, unit: 'B' },
  { name: 'connection table insert+delete per second (1M records)', source: { micro: 'tableInsertDeletePerSec' }, min: 1_000_000, unit: '/s' },
  { name: 'least-connections balance max/mean, skewed long-lived connections', source: { setup: 'portplex-least-connections', metric: 'balance' }, max: 1.05, unit: '' },
  { name: 'content-aware new-connection rate vs plain dispatch', source: { setup: 'portplex-content', metric: 'newConnRps', base: 'portplex-round-robin' }, min: 0.8, unit: 'x' },
];

/**
 * The comparisons worth paired runs: targets that divide one setup's throughput by another's.
 * With `control`, also that setup against a second copy of itself on each metric the targets
 * compare: an A/A comparison, whose true ratio is 1, shows how far this run's noise alone moves a
 * paired ratio.
 */
export function pairSpecs(targets: readonly Target[], control?: string): PairSpec[] {
  const specs: PairSpec[] = [];
  const metrics = new Set<PairSpec['metric']>();
  for (const t of targets) {
    const s = t.source;
    if ('setup' in s && s.base !== undefined && (s.metric === 'newConnRps' || s.metric === 'keepAliveRps')) {
      specs.push({ a: s.setup, b: s.base, metric: s.metric });
      metrics.add(s.metric);
    }
  }
  if (control !== undefined) for (const metric of metrics) specs.push({ a: control, b: control, metric });
  return specs;
}

/**
 * Evaluates `targets`; a target whose setup did not run (`skipped` gives why) is 'n/a'. A ratio
 * with a paired result (pairs.ts) is judged on its median; the ratio over the rounds is kept beside
 * it, and its interval says whether the judgement is beyond this run's noise.
 */
export function evaluateTargets(
  targets: readonly Target[],
  rounds: readonly SetupRound[],
  micro: MicroResults | null,
  skipped: ReadonlyMap<string, string>,
  pairs: readonly PairResult[] = [],
): TargetResult[] {
  return targets.map((t) => {
    let measured: number | null = null;
    let note: string | undefined;
    let method: TargetResult['method'];
    let overRounds: number | null | undefined;
    let interval: MedianInterval | null | undefined;
    const s = t.source;
    if ('micro' in s) {
      if (!micro) note = 'micro-benchmarks not run';
      else if (s.micro === 'tableBytesPerRecord') measured = median(micro.table.map((r) => r.bytesPerRecord));
      else measured = median(micro.table.map((r) => r.insertDeletePerSec));
    } else {
      const missing = [s.setup, s.base].find((n) => n !== undefined && !rounds.some((r) => r.setup === n));
      if (missing) {
        note = skipped.get(missing) ? `${missing} skipped: ${skipped.get(missing)}` : `${missing} not run`;
      } else if (s.base === undefined) {
        measured = median(rounds.filter((r) => r.setup === s.setup).map((r) => r.figures[s.metric]));
      } else {
        measured = pairedRatio(rounds, s.setup, s.base, s.metric);
        method = 'rounds';
        const paired = pairs.find((p) => p.a === s.setup && p.b === s.base && p.metric === s.metric && p.median !== null);
        if (paired) {
          overRounds = measured;
          measured = paired.median;
          interval = paired.interval;
          method = 'paired';
        }
      }
    }
    const passes = (v: number) => (t.min === undefined || v >= t.min) && (t.max === undefined || v <= t.max);
    let status: TargetResult['status'] = 'n/a';
    if (measured !== null) status = passes(measured) ? 'pass' : 'fail';
    else note ??= 'not measured';
    // The pass region is one interval, so the whole confidence interval is on one side of it when
    // both ends pass, or when it lies wholly below the minimum or above the maximum.
    const resolved = interval
      ? (passes(interval.low) && passes(interval.high)) || (t.min !== undefined && interval.high < t.min) || (t.max !== undefined && interval.low > t.max)
      : undefined;
    return {
      ...t,
      measured,
      status,
      ...(method ? { method } : {}),
      ...(overRounds !== undefined ? { rounds: overRounds } : {}),
      ...(interval !== undefined ? { interval } : {}),
      ...(resolved !== undefined ? { resolved } : {}),
      ...(note ? { note } : {}),
    };
  });
}
