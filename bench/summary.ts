// From rounds to one row per setup: medians, and ratios to the baselines of the same run.
import { METRICS, type Figures, type MetricKey, type SetupRound } from './metrics.js';
import { median, ratio } from './stats.js';

export interface SetupSummary {
  name: string;
  label: string;
  note?: string;
  rounds: number;
  errors: string[];
  /** Median over rounds. */
  figures: Figures;
  /** Median over rounds of (this setup / the baseline) in the same round. */
  vs: Record<string, Figures>;
}

/** Median over rounds of a's figure divided by b's figure in the same round. */
export function pairedRatio(rounds: readonly SetupRound[], a: string, b: string, key: MetricKey): number | null {
  const ratios: Array<number | null> = [];
  for (const ra of rounds) {
    if (ra.setup !== a) continue;
    const rb = rounds.find((r) => r.setup === b && r.round === ra.round);
    ratios.push(ratio(ra.figures[key], rb?.figures[key]));
  }
  return median(ratios);
}

/** One summary per setup in `setups` order; `baselines` are setup names ratios are taken to. */
export function summarise(rounds: readonly SetupRound[], setups: ReadonlyArray<{ name: string; label: string; note?: string }>, baselines: readonly string[]): SetupSummary[] {
  return setups.map(({ name, label, note }) => {
    const mine = rounds.filter((r) => r.setup === name);
    const figures = {} as Figures;
    for (const { key } of METRICS) figures[key] = median(mine.map((r) => r.figures[key]));
    const vs: Record<string, Figures> = {};
    for (const base of baselines) {
      const fs = {} as Figures;
      for (const { key } of METRICS) fs[key] = pairedRatio(rounds, name, base, key);
      vs[base] = fs;
    }
    return { name, label, ...(note ? { note } : {}), rounds: mine.length, errors: mine.flatMap((r) => (r.error ? [`round ${r.round + 1}: ${r.error}`] : [])), figures, vs };
  });
}
