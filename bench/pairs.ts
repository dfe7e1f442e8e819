// Paired runs for the targets that compare two setups: both stay up, and short wrk runs alternate
// between them (A B, B A, A B, ...). Each ratio divides figures measured seconds apart, so the
// drift of a shared machine over minutes, which the rounds over all setups cannot cancel, mostly
// does. The ratio reported is the median over pairs, with a 95% interval for it (stats.ts) that says
// whether the run can tell the ratio from a target at all.
import type { MetricKey } from './metrics.js';
import type { Running, Setup, SetupContext } from './setups.js';
import { median, medianInterval, type MedianInterval } from './stats.js';
import { runWrk } from './wrk.js';

/** A target's comparison: setup `a` against `b` on one throughput metric (a == b: two copies, a noise control). */
export interface PairSpec {
  a: string;
  b: string;
  metric: Extract<MetricKey, 'newConnRps' | 'keepAliveRps'>;
}

export interface PairResult extends PairSpec {
  /** a's figure over b's, per pair, in run order. */
  ratios: number[];
  /** Median of `ratios`; null when a run failed. */
  median: number | null;
  /** 95% interval for the median ratio; null with fewer than 6 pairs. */
  interval: MedianInterval | null;
  error?: string;
}

export interface PairOptions {
  pairs: number;
  seconds: number;
  threads: number;
  connections: number;
}

/** Runs each spec's pairs; a failure is recorded in its result, never thrown. */
export async function runPairs(specs: readonly PairSpec[], setups: readonly Setup[], ctx: SetupContext, opts: PairOptions, log: (line: string) => void): Promise<PairResult[]> {
  const results: PairResult[] = [];
  for (const spec of specs) {
    const result: PairResult = { ...spec, ratios: [], median: null, interval: null };
    results.push(result);
    const a = setups.find((s) => s.name === spec.a);
    const b = setups.find((s) => s.name === spec.b);
    if (!a || !b) {
      result.error = `${!a ? spec.a : spec.b} did not run`;
      continue;
    }
    const running: Running[] = [];
    try {
      running.push(await a.start(ctx), await b.start(ctx));
      const headers = spec.metric === 'newConnRps' ? ['Connection: close'] : [];
      const rate = async (r: Running, seconds: number): Promise<number> =>
        (await runWrk({ url: `http://127.0.0.1:${r.port}/`, threads: opts.threads, connections: opts.connections, seconds, headers })).requestsPerSec;
      // Warm both paths first: the first second of a fresh process is not what is compared.
      await rate(running[0], 1);
      await rate(running[1], 1);
      for (let i = 0; i < opts.pairs; i++) {
        // Alternate which goes first, so a trend within a pair favours neither.
        const first = i % 2 === 0 ? 0 : 1;
        const x = await rate(running[first], opts.seconds);
        const y = await rate(running[1 - first], opts.seconds);
        const [ra, rb] = first === 0 ? [x, y] : [y, x];
        if (rb > 0) result.ratios.push(ra / rb);
      }
      result.median = median(result.ratios);
      result.interval = medianInterval(result.ratios);
      log(`pairs: ${spec.a} / ${spec.b}, ${spec.metric}: ${result.ratios.map((r) => r.toFixed(2)).join(' ')}`);
    } catch (err) {
      result.error = (err as Error).message;
    } finally {
      for (const r of running) await r.stop();
    }
  }
  return results;
}
