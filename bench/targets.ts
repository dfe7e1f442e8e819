// The targets of issue 6, as data, and their evaluation against one run.
import type { MetricKey, SetupRound } from './metrics.js';
import type { MicroResults } from './micro/run.js';
import { median } from './stats.js';
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

/** Evaluates `targets`; a target whose setup did not run (`skipped` gives why) is 'n/a'. */
export function evaluateTargets(
  targets: readonly Target[],
  rounds: readonly SetupRound[],
  micro: MicroResults | null,
  skipped: ReadonlyMap<string, string>,
): TargetResult[] {
  return targets.map((t) => {
    let measured: number | null = null;
    let note: string | undefined;
    const s = t.source;
    if ('micro' in s) {
      if (!micro) note = 'micro-benchmarks not run';
      else if (s.micro === 'tableBytesPerRecord') measured = median(micro.table.map((r) => r.bytesPerRecord));
      else measured = median(micro.table.map((r) => r.insertDeletePerSec));
    } else {
      const missing = [s.setup, s.base].find((n) => n !== undefined && !rounds.some((r) => r.setup === n));
      if (missing) note = skipped.get(missing) ? `${missing} skipped: ${skipped.get(missing)}` : `${missing} not run`;
      else measured = s.base ? pairedRatio(rounds, s.setup, s.base, s.metric) : median(rounds.filter((r) => r.setup === s.setup).map((r) => r.figures[s.metric]));
    }
    let status: TargetResult['status'] = 'n/a';
    if (measured !== null) status = (t.min === undefined || measured >= t.min) && (t.max === undefined || measured <= t.max) ? 'pass' : 'fail';
    else note ??= 'not measured';
    return { ...t, measured, status, ...(note ? { note } : {}) };
  });
}
