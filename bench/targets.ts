// The targets of issue 6, as data, and their evaluation against one run.
import type { MetricKey, SetupRound } from './metrics.js';
import type { MicroResults } from './micro/run.js';
import { median } from './stats.js';
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

/** The comparisons worth paired runs: targets that divide one setup's throughput by another's. */
export function pairSpecs(targets: readonly Target[]): PairSpec[] {
  const specs: PairSpec[] = [];
  for (const t of targets) {
    const s = t.source;
    if ('setup' in s && s.base !== undefined && (s.metric === 'newConnRps' || s.metric === 'keepAliveRps')) specs.push({ a: s.setup, b: s.base, metric: s.metric });
  }
  return specs;
}

/**
 * Evaluates `targets`; a target whose setup did not run (`skipped` gives why) is 'n/a'. A ratio
 * with a paired result (pairs.ts) is judged on it; the ratio over the rounds is kept beside it.
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
          method = 'paired';
        }
      }
    }
    let status: TargetResult['status'] = 'n/a';
    if (measured !== null) status = (t.min === undefined || measured >= t.min) && (t.max === undefined || measured <= t.max) ? 'pass' : 'fail';
    else note ??= 'not measured';
    return { ...t, measured, status, ...(method ? { method } : {}), ...(overRounds !== undefined ? { rounds: overRounds } : {}), ...(note ? { note } : {}) };
  });
}
