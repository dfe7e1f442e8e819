// The worker table's columns: what each shows, how wide it is, and which go first when the
// terminal narrows (the highest `drop` first; the rightmost of equals first).
import { duration, rate, size } from '../../status-text.js';
import { STYLE } from './ansi.js';
import type { TopWorker } from './data.js';
import { sparkline } from './history.js';
import type { Span } from './line.js';
import { fit } from './text.js';

/** What a cell may read besides its worker. */
export interface CellContext {
  samples: readonly number[];
}

export interface Column {
  header: string;
  width: number;
  right: boolean;
  /** Dropped before every column with a lower figure. */
  drop: number;
  cell(w: TopWorker, ctx: CellContext, width: number): Span;
}

/** Cells between columns. */
const GAP = 1;
/** Width of the sparkline at least (it grows to its samples' count when there is room). */
export const MIN_HISTORY = 8;
export const MAX_HISTORY = 20;

const STATE_STYLE: Readonly<Record<string, string>> = { ready: STYLE.green, starting: STYLE.yellow, stopping: STYLE.yellow, exited: STYLE.red };

function plain(header: string, width: number, drop: number, text: (w: TopWorker) => string, right = true): Column {
  return { header, width, right, drop, cell: (w) => ({ text: text(w) }) };
}

/** Every column, left to right; `groupWidth` fits the longest group name, `groups` how many there are. */
export function allColumns(groupWidth: number, groups: number): Column[] {
  return [
    plain('id', 3, 0, (w) => String(w.id)),
    // One group says nothing per row: it goes early then.
    plain('group', groupWidth, groups > 1 ? 2 : 6, (w) => w.group, false),
    plain('pid', 7, 0, (w) => String(w.pid)),
    { header: 'state', width: 8, right: false, drop: 0, cell: (w) => ({ text: w.state, style: STATE_STYLE[w.state] }) },
    { header: 'health', width: 6, right: false, drop: 1, cell: (w) => (w.healthy ? { text: 'up' } : { text: 'DOWN', style: `${STYLE.bold};${STYLE.red}` }) },
    { header: 'weight', width: 6, right: true, drop: 0, cell: (w) => ({ text: String(w.weight), style: w.weight === 0 ? STYLE.yellow : undefined }) },
    plain('active', 6, 1, (w) => String(w.active)),
    plain('conn/s', 6, 1, (w) => rate(w.connectionsPerSecond)),
    { header: 'history', width: MIN_HISTORY, right: false, drop: 3, cell: (_w, ctx, width) => ({ text: sparkline(ctx.samples, width), style: STYLE.cyan }) },
    plain('cpu', 6, 2, (w) => (w.cpuPercent == null ? '-' : `${w.cpuPercent.toFixed(1)}%`)),
    plain('mem', 6, 2, (w) => size(w.rssBytes)),
    plain('heap', 6, 5, (w) => size(w.heapUsedBytes)),
    plain('loop', 6, 5, (w) => `${w.loopDelayMs}ms`),
    { header: 'restarts', width: 8, right: true, drop: 4, cell: (w) => ({ text: String(w.restarts), style: w.restarts > 0 ? STYLE.yellow : undefined }) },
    plain('uptime', 7, 4, (w) => duration(w.uptimeMs)),
  ];
}

/** The columns that fit in `cells` (after the selection marker), with the history as wide as the room left allows. */
export function fitColumns(columns: readonly Column[], cells: number): Column[] {
  const kept = [...columns];
  const total = (): number => kept.reduce((n, c) => n + c.width, 0) + GAP * Math.max(0, kept.length - 1);
  while (kept.length > 1 && total() > cells) {
    let worst = 0;
    for (let i = 1; i < kept.length; i++) if (kept[i]!.drop >= kept[worst]!.drop) worst = i;
    kept.splice(worst, 1);
  }
  const history = kept.findIndex((c) => c.header === 'history');
  if (history >= 0) kept[history] = { ...kept[history]!, width: Math.min(MAX_HISTORY, kept[history]!.width + Math.max(0, cells - total())) };
  return kept;
}

/** The header row's spans. */
export function headerSpans(columns: readonly Column[]): Span[] {
  return columns.map((c, i) => ({ text: (i > 0 ? ' '.repeat(GAP) : '') + fit(c.header, c.width, c.right) }));
}

/** A worker's row's spans. */
export function rowSpans(columns: readonly Column[], w: TopWorker, ctx: CellContext): Span[] {
  const out: Span[] = [];
  columns.forEach((c, i) => {
    const span = c.cell(w, ctx, c.width);
    if (i > 0) out.push({ text: ' '.repeat(GAP) });
    out.push({ text: fit(span.text, c.width, c.right), style: span.style });
  });
  return out;
}
