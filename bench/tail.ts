// The uneven-work workload, where a connection-aware balancer earns its place: a small share of
// requests burns CPU synchronously (2% at 20 ms by default), the rest answer at once, and an
// open-loop client sends them at a fixed rate well below saturation, a new connection per
// request. A light request that lands behind a heavy one on a busy worker waits for it; the
// figure is the light requests' latency at p50, p99 and p99.9, and the p99 ratio to Node's
// cluster (round-robin and SCHED_NONE) in the same round, paired, with its interval.
// The keep-alive variant balances connections, not requests: it shows what an L4 balancer
// cannot do there.
//
//   node dist/bench/tail.js [--rounds n] [--seconds s] [--rate r] [--share f] [--cost ms]
//                           [--workers n] [--keep-alive] [--setups a,b]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { quantile, runClient, type Sample } from './client.js';
import { UNEVEN_APP } from './blocked.js';
import { allSetups, type Setup, type SetupContext } from './setups.js';
import { median, medianInterval, type MedianInterval } from './stats.js';

export interface TailOptions {
  /** Share of requests that are heavy (0..1). */
  share: number;
  /** CPU ms a heavy request burns. */
  costMs: number;
  /** Requests started per second. */
  rate: number;
  seconds: number;
  workers: number;
  keepAlive: boolean;
  /** Kept-alive connections, keep-alive variant. */
  connections: number;
}

export const TAIL_DEFAULTS: TailOptions = { share: 0.02, costMs: 20, rate: 400, seconds: 6, workers: 4, keepAlive: false, connections: 16 };

/**
 * Not a setup: Node's cluster with SCHED_NONE serving the same load with no heavy request, in the
 * same rounds. What is left of the tail there is the machine's (scheduling, the client on the same
 * cores), not placement: no balancer can go below it, so it says how much of a tail is the
 * balancer's to win at all.
 */
export const FLOOR = 'floor';

/** The setups compared: Node's cluster both ways, HAProxy leastconn, each portplex balancer and direct mode. */
export const TAIL_SETUPS = [
  FLOOR, 'cluster-rr', 'cluster-none', 'haproxy-leastconn',
  'portplex-round-robin', 'portplex-least-connections', 'portplex-power-of-two', 'portplex-least-response-time',
  'portplex-weighted-round-robin', 'portplex-random', 'portplex-direct',
];
export const TAIL_QUICK_SETUPS = [FLOOR, 'cluster-rr', 'cluster-none', 'portplex-least-connections', 'portplex-round-robin'];
export const TAIL_BASELINES = { rr: 'cluster-rr', none: 'cluster-none' } as const;

export interface TailRound {
  setup: string;
  round: number;
  /** Light requests' latency, ms. */
  p50: number | null;
  p99: number | null;
  p999: number | null;
  /** Answered requests per second, all kinds. */
  throughput: number;
  failed: number;
  light: number;
}

/** Whether request i is heavy: evenly spread, `share` of them (deterministic, the same for every setup). */
export function isHeavy(i: number, share: number): boolean {
  return share > 0 && Math.floor((i + 1) * share) > Math.floor(i * share);
}

/** The figures of one round's samples. */
export function tailFigures(samples: readonly Sample[], seconds: number): Omit<TailRound, 'setup' | 'round'> {
  const light = samples.filter((s) => s.kind === 'light' && s.ok).map((s) => s.ms);
  return {
    p50: quantile(light, 0.5),
    p99: quantile(light, 0.99),
    p999: quantile(light, 0.999),
    throughput: samples.filter((s) => s.ok).length / seconds,
    failed: samples.filter((s) => !s.ok).length,
    light: light.length,
  };
}

export async function runTailRound(setup: Setup, ctx: SetupContext, round: number, o: TailOptions = TAIL_DEFAULTS, name = setup.name): Promise<TailRound> {
  const running = await setup.start({ ...ctx, workers: o.workers, app: UNEVEN_APP });
  try {
    const next = (i: number): { path: string; kind: string } =>
      isHeavy(i, o.share) ? { path: `/?cost=${o.costMs}`, kind: 'heavy' } : { path: '/', kind: 'light' };
    const load = { port: running.port, rate: o.rate, next, keepAlive: o.keepAlive, keepAliveConnections: o.connections, timeoutMs: 10_000 };
    // Warm-up: the same load, half a second, not counted.
    await runClient({ ...load, durationMs: 500 });
    const samples = await runClient({ ...load, durationMs: o.seconds * 1000 });
    return { setup: name, round, ...tailFigures(samples, o.seconds) };
  } finally {
    await running.stop();
  }
}

export async function runTailBench(rounds: number, names: readonly string[], o: TailOptions = TAIL_DEFAULTS, log: (line: string) => void = () => {}): Promise<TailRound[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'portplex-tail-'));
  try {
    const all = allSetups();
    // The floor is SCHED_NONE run again with every request light.
    const runs = names.flatMap((n) => {
      const s = all.find((x) => x.name === (n === FLOOR ? TAIL_BASELINES.none : n));
      return s === undefined ? [] : [{ name: n, setup: s, options: n === FLOOR ? { ...o, share: 0 } : o }];
    });
    const out: TailRound[] = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate the order, so no setup always runs on a machine warmed by the same neighbour.
      for (const { name, setup: s, options } of r % 2 === 0 ? runs : [...runs].reverse()) {
        const ctx = { workers: o.workers, tmp };
        if (s.unavailable(ctx)) continue;
        const t = await runTailRound(s, ctx, r, options, name);
        log(`tail${o.keepAlive ? ' keep-alive' : ''}, round ${r + 1}/${rounds}: ${name} p50 ${fmt(t.p50)} p99 ${fmt(t.p99)} p99.9 ${fmt(t.p999)} ms, ${t.throughput.toFixed(0)} req/s, ${t.failed} failed`);
        out.push(t);
      }
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface TailSummary {
  setup: string;
  p50: number | null;
  p99: number | null;
  p999: number | null;
  throughput: number | null;
  failed: number;
  /** Median over rounds of p99 / the baseline's p99 in the same round, with its 95% interval when there are rounds enough. */
  vsRr: { ratio: number | null; interval: MedianInterval | null };
  vsNone: { ratio: number | null; interval: MedianInterval | null };
}

export function summariseTail(rounds: readonly TailRound[]): TailSummary[] {
  const names = [...new Set(rounds.map((r) => r.setup))];
  const paired = (setup: string, base: string): { ratio: number | null; interval: MedianInterval | null } => {
    const ratios: number[] = [];
    for (const r of rounds) {
      if (r.setup !== setup || r.p99 === null) continue;
      const b = rounds.find((x) => x.setup === base && x.round === r.round);
      if (b?.p99) ratios.push(r.p99 / b.p99);
    }
    return { ratio: median(ratios), interval: medianInterval(ratios) };
  };
  return names.map((setup) => {
    const rs = rounds.filter((r) => r.setup === setup);
    return {
      setup,
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      p999: median(rs.map((r) => r.p999)),
      throughput: median(rs.map((r) => r.throughput)),
      failed: rs.reduce((n, r) => n + r.failed, 0),
      vsRr: paired(setup, TAIL_BASELINES.rr),
      vsNone: paired(setup, TAIL_BASELINES.none),
    };
  });
}

function fmt(v: number | null, digits = 1): string {
  return v === null ? '-' : v.toFixed(digits);
}

function fmtRatio(r: { ratio: number | null; interval: MedianInterval | null }): string {
  if (r.ratio === null) return '-';
  return r.interval ? `${r.ratio.toFixed(2)} (${r.interval.low.toFixed(2)}-${r.interval.high.toFixed(2)})` : r.ratio.toFixed(2);
}

export function tailMarkdown(rows: readonly TailSummary[], o: TailOptions = TAIL_DEFAULTS): string {
  return [
    `${(o.share * 100).toFixed(0)}% of requests burn ${o.costMs} ms of CPU, the rest answer at once; ${o.rate} requests/s open loop, ` +
      `${o.keepAlive ? `over ${o.connections} kept-alive connections` : 'a new connection per request'}, ${o.workers} workers, ${o.seconds} s per round. ` +
      'Latency of the light requests, ms (medians over rounds); p99 ratios paired per round, median (95% interval).',
    '',
    ...(rows.some((r) => r.setup === FLOOR) ? [`The ${FLOOR} row is cluster SCHED_NONE with no heavy request at all: the tail no balancer can go below on this machine.`, ''] : []),
    '| setup | p50 | p99 | p99.9 | req/s | failed | p99 / cluster RR | p99 / SCHED_NONE |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.setup} | ${fmt(r.p50, 2)} | ${fmt(r.p99)} | ${fmt(r.p999)} | ${fmt(r.throughput, 0)} | ${r.failed} | ${fmtRatio(r.vsRr)} | ${fmtRatio(r.vsNone)} |`),
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' }, seconds: { type: 'string' }, rate: { type: 'string' }, share: { type: 'string' },
      cost: { type: 'string' }, workers: { type: 'string' }, 'keep-alive': { type: 'boolean', default: false }, setups: { type: 'string' },
    },
  });
  const num = (v: string | undefined, d: number, name: string): number => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a number >= 0, got ${JSON.stringify(v)}`);
    return n;
  };
  const o: TailOptions = {
    ...TAIL_DEFAULTS,
    seconds: num(values.seconds, TAIL_DEFAULTS.seconds, 'seconds'),
    rate: num(values.rate, TAIL_DEFAULTS.rate, 'rate'),
    share: num(values.share, TAIL_DEFAULTS.share, 'share'),
    costMs: num(values.cost, TAIL_DEFAULTS.costMs, 'cost'),
    workers: num(values.workers, TAIL_DEFAULTS.workers, 'workers'),
    keepAlive: values['keep-alive'] === true,
  };
  const names = values.setups ? values.setups.split(',') : TAIL_SETUPS;
  const rounds = await runTailBench(num(values.rounds, 3, 'rounds'), names, o, (l) => process.stderr.write(`${l}\n`));
  process.stdout.write(tailMarkdown(summariseTail(rounds), o));
}
