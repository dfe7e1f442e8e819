// The markdown report of a run: figures, ratios to the baselines, targets, micro-benchmarks.
import { METRICS, type Figures, type SetupRound } from './metrics.js';
import type { BalanceResult } from './balance.js';
import type { MicroResults } from './micro/run.js';
import type { PairResult } from './pairs.js';
import { median } from './stats.js';
import type { SetupSummary } from './summary.js';
import type { TargetResult } from './targets.js';
import type { WrkResult } from './wrk.js';

/** A number for a table cell: thousands separated, `digits` decimals, '—' when missing. */
export function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Figures per setup, medians over rounds. */
export function figuresTable(summaries: readonly SetupSummary[]): string {
  return table(['setup', ...METRICS.map((m) => m.label)], summaries.map((s) => [s.name, ...METRICS.map((m) => fmt(s.figures[m.key], m.digits))]));
}

/** Each figure as "x RR / x NONE", the median of per-round ratios to the two baselines. */
export function ratiosTable(summaries: readonly SetupSummary[], rr: string, none: string): string {
  const cell = (a: Figures | undefined, b: Figures | undefined, key: (typeof METRICS)[number]['key']) => `${fmt(a?.[key], 2)} / ${fmt(b?.[key], 2)}`;
  return table(['setup', ...METRICS.map((m) => m.label)], summaries.map((s) => [s.name, ...METRICS.map((m) => cell(s.vs[rr], s.vs[none], m.key))]));
}

/** Each target with its measured value and pass/fail. */
export function targetsTable(results: readonly TargetResult[]): string {
  const bound = (t: TargetResult) => [t.min !== undefined ? `>= ${fmt(t.min, t.min < 100 ? 2 : 0)}` : '', t.max !== undefined ? `<= ${fmt(t.max, t.max < 100 ? 2 : 0)}` : ''].filter(Boolean).join(', ') + (t.unit ? ` ${t.unit}` : '');
  const num = (v: number): string => fmt(v, Math.abs(v) < 100 ? 3 : 0);
  const value = (t: TargetResult) => {
    if (t.measured === null) return `— (${t.note})`;
    const v = `${num(t.measured)}${t.unit ? ` ${t.unit}` : ''}`;
    if (t.method !== 'paired') return v;
    // Paired runs decide; their interval (coverage at least 95%) and the ratio over the rounds are shown beside.
    const interval = t.interval ? `, 95% CI [${num(t.interval.low)}, ${num(t.interval.high)}]` : '';
    return `${v} paired${interval} (rounds: ${t.rounds == null ? '—' : num(t.rounds)})`;
  };
  const result = (t: TargetResult) => {
    if (t.status === 'n/a') return 'n/a';
    const word = t.status === 'pass' ? 'PASS' : 'FAIL';
    return t.resolved === false ? `${word} (within noise)` : word;
  };
  return table(['target', 'measured', 'wanted', 'result'], results.map((t) => [t.name, value(t), bound(t), result(t)]));
}

/**
 * What the A/A pairs (a setup against a copy of itself, pairs.ts) say about the run's noise, or
 * null when none ran. Their true ratio is 1: how far their median and interval stray from it is
 * what noise alone does to the targets' paired ratios.
 */
export function controlsText(pairs: readonly PairResult[]): string | null {
  const controls = pairs.filter((p) => p.a === p.b);
  if (controls.length === 0) return null;
  const num = (v: number) => fmt(v, 3);
  const parts = controls.map((p) => {
    const what = p.metric === 'keepAliveRps' ? 'keep-alive' : 'new connections';
    if (p.median === null) return `${what}: — (${p.error ?? 'no pairs'})`;
    return `${what} ${num(p.median)}${p.interval ? `, 95% CI [${num(p.interval.low)}, ${num(p.interval.high)}]` : ''} over ${p.ratios.length} pairs`;
  });
  return `Noise control: two copies of ${controls[0]!.a} paired the same way (true ratio 1): ${parts.join('; ')}. ` +
    'A paired ratio nearer its bound than these stray from 1 is not decided by this run.';
}

/** Balancer picks per second by algorithm and worker count, and the table's figures (medians of its runs). */
export function microTables(micro: MicroResults): string {
  const algorithms = [...new Set(micro.balancers.map((b) => b.algorithm))];
  const counts = [...new Set(micro.balancers.map((b) => b.workers))].sort((a, b) => a - b);
  const picks = table(
    ['algorithm', ...counts.map((n) => `picks/s, ${n} workers`)],
    algorithms.map((a) => [a, ...counts.map((n) => fmt(micro.balancers.find((b) => b.algorithm === a && b.workers === n)?.picksPerSec))]),
  );
  const m = (k: 'insertPerSec' | 'lookupPerSec' | 'deletePerSec' | 'insertDeletePerSec' | 'bytesPerRecord') => median(micro.table.map((r) => r[k]));
  const records = micro.table[0]?.records ?? 0;
  const tableRow = table(
    ['records', 'runs', 'bytes/record', 'insert/s', 'lookup/s', 'delete/s', 'insert+delete/s'],
    [[fmt(records), String(micro.table.length), fmt(m('bytesPerRecord'), 1), fmt(m('insertPerSec')), fmt(m('lookupPerSec')), fmt(m('deletePerSec')), fmt(m('insertDeletePerSec'))]],
  );
  const ipc = micro.ipc
    ? `\n\nIPC per hand-over, the sender's CPU per message over ${fmt(micro.ipc.messages)} messages: ${fmt(micro.ipc.plainCpuUs, 1)} µs for a ` +
      `Node message without a handle, ${fmt(micro.ipc.handleCpuUs, 1)} µs for one carrying a handle (cluster round-robin's way, with Node's ` +
      `acknowledgement), ${fmt(micro.ipc.frameCpuUs, 1)} µs for a portplex frame carrying one (dispatch mode's way, answered by an ack frame).`
    : '';
  const floor = micro.floor
    ? `\n\nA bare Node master (raw accept, no balancer, record or metrics), CPU per connection over ${fmt(micro.floor.connections)} connections ` +
      `under wrk: ${fmt(micro.floor.acceptCpuUs, 1)} µs to accept and close, ${fmt(micro.floor.handOverCpuUs, 1)} µs to accept, hand over in a frame ` +
      `and close: the least any Node master spends per handed-over connection (compare the master CPU per connection above).`
    : '';
  return `${picks}\n\nConnection record table:\n\n${tableRow}${ipc}${floor}`;
}

const ERROR_NAMES: Record<string, string> = { connect: 'connect errors', read: 'read errors', write: 'write errors', timeout: 'timeouts', status: 'non-2xx/3xx' };

/** A note for each workload of each round that saw socket errors, bad statuses or failed connections. */
export function loadErrorNotes(rounds: readonly SetupRound[]): string[] {
  const notes: string[] = [];
  for (const r of rounds) {
    for (const workload of ['keepAlive', 'newConn'] as const) {
      const errors = (r.raw[workload] as WrkResult | undefined)?.errors;
      if (!errors) continue;
      const parts = Object.entries(errors).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${ERROR_NAMES[kind] ?? kind}`);
      if (parts.length > 0) notes.push(`- ${r.setup}, round ${r.round + 1}, ${workload === 'keepAlive' ? 'keep-alive' : 'new-conn'}: wrk saw ${parts.join(', ')}`);
    }
    const failed = (r.raw.balance as BalanceResult | undefined)?.errors ?? 0;
    if (failed > 0) notes.push(`- ${r.setup}, round ${r.round + 1}, long-lived: ${failed} connections failed`);
  }
  return notes;
}

/** What the report says about how the run was made. */
export interface RunInfo {
  mode: 'quick' | 'full';
  rounds: number;
  workers: number;
  wrk: string;
  wrkLoad: string;
  balanceLoad: string;
  node: string;
  cpus: number;
  elapsedSeconds: number;
}

/** The whole markdown report. */
export function renderMarkdown(
  info: RunInfo,
  summaries: readonly SetupSummary[],
  baselines: { rr: string; none: string },
  targets: readonly TargetResult[],
  micro: MicroResults | null,
  skipped: ReadonlyMap<string, string>,
  pairs: readonly PairResult[] = [],
  extraNotes: readonly string[] = [],
): string {
  const out: string[] = [];
  out.push(`## portplex benchmarks (${info.mode}: ${info.rounds} rounds, ${info.workers} processes per setup, ${info.elapsedSeconds.toFixed(0)} s)`);
  out.push(`${info.wrk}, ${info.wrkLoad}; long-lived: ${info.balanceLoad}. Node ${info.node}, ${info.cpus} CPUs. Medians over rounds; the setup order alternates between rounds.`);
  out.push('"master CPU" is user + system time of the process that accepts (portplex master, cluster primary, haproxy) during a run, per request: in the new-connection run every request is a connection; in the keep-alive run a master out of the data path spends nothing. "serving processes CPU" is the same for the processes that run the application, in the new-connection run. "balance" is the mean over samples of max/mean open connections per process under the long-lived workload.');
  out.push(figuresTable(summaries));
  out.push(`Ratios, "x ${baselines.rr} / x ${baselines.none}": median over rounds of the setup's figure divided by the baseline's in the same round (for latency, CPU and balance lower is better).`);
  out.push(ratiosTable(summaries, baselines.rr, baselines.none));
  out.push('### Targets');
  out.push(targetsTable(targets));
  const control = controlsText(pairs);
  if (control) out.push(control);
  if (micro) {
    out.push('### Micro-benchmarks');
    out.push(microTables(micro));
  }
  const notes = [
    ...summaries.flatMap((s) => (s.note ? [`- ${s.name}: ${s.note}`] : [])),
    ...[...skipped].map(([name, why]) => `- skipped ${name}: ${why}`),
    ...summaries.flatMap((s) => s.errors.map((e) => `- error in ${s.name}, ${e.split('\n')[0]}`)),
    ...extraNotes,
  ];
  if (notes.length > 0) out.push(`### Notes\n\n${notes.join('\n')}`);
  return `${out.join('\n\n')}\n`;
}
