// One frame of `portplex top` as lines of text: a pure function of what the master said, what
// top kept, the selection and the terminal's size. No I/O here; loop.ts writes the lines.
import { hostPort } from '../../address.js';
import { duration, rate } from '../../status-text.js';
import { STYLE } from './ansi.js';
import { allColumns, fitColumns, headerSpans, rowSpans } from './columns.js';
import type { TopEvent, TopListener, TopStatus } from './data.js';
import { eventSpans } from './events.js';
import { renderLine, type Span } from './line.js';
import { sortWorkers, type SortKey } from './sort.js';
import { width } from './text.js';

/** What one frame shows. */
export interface Frame {
  status: TopStatus;
  /** Oldest first; the footer shows the newest that fit. */
  events: readonly TopEvent[];
  history: { samples(worker: number): readonly number[]; listenerRate(index: number): number | undefined };
  /** The selected worker's id (the first row when absent or gone); null: no row is marked. */
  selected?: number | null;
  sort: SortKey;
  columns: number;
  rows: number;
  colour: boolean;
  /** The key help instead of the tables. */
  help?: boolean;
  /** A question on the bottom line (y/n), over any message. */
  prompt?: string;
  /** What the last command did, on the bottom line. */
  message?: string;
}

/** The selection marker in front of the selected row (its coloured bar needs colour; this does not). */
export const MARKER = '>';
/** The bottom line when nothing else is to be said there. */
export const KEY_HINT = 'q quit  ↑↓ select  d drain  u undrain  r reload  s sort  ? help';
/** Listener lines shown at most, the rest counted. */
const MAX_LISTENER_LINES = 4;
/** Event lines kept for the footer even when workers do not all fit. */
const MIN_EVENT_LINES = 2;

const MASTER_STYLE: Readonly<Record<string, string>> = { serving: STYLE.green, starting: STYLE.yellow, reloading: STYLE.yellow, upgrading: STYLE.yellow, stopping: STYLE.red, stopped: STYLE.red };

/** The frame's lines, at most `rows`, none wider than `columns` cells. */
export function render(f: Frame): string[] {
  const cells = Math.max(1, f.columns);
  const line = (spans: readonly Span[], lineStyle = ''): string => renderLine(spans, cells, f.colour, lineStyle);
  const top = [line(headerLine(f)), ...listenerLines(f).map((s) => line(s))];
  const bottom = line(bottomLine(f), f.prompt !== undefined ? STYLE.reverse : '');
  const room = Math.max(0, f.rows - top.length - 1);
  const body = f.help ? helpLines(f).map((s) => line(s)) : tableAndEvents(f, room, line);
  const shown = body.slice(0, room);
  // The bottom line stays on the terminal's last row.
  while (shown.length < room) shown.push('');
  return [...top, ...shown, bottom].slice(0, Math.max(1, f.rows));
}

function headerLine(f: Frame): Span[] {
  const s = f.status;
  const n = s.workers.length;
  return [
    { text: `portplex ${s.version}`, style: STYLE.bold },
    { text: `  master ${s.pid} ` },
    { text: s.state, style: MASTER_STYLE[s.state] },
    { text: `  up ${duration(s.uptimeMs)}  ${n} worker${n === 1 ? '' : 's'}  ${s.table.records} record${s.table.records === 1 ? '' : 's'}  sort: ${f.sort}` },
  ];
}

function listenerLines(f: Frame): Span[][] {
  const all = f.status.listeners;
  const shown = all.length > MAX_LISTENER_LINES ? all.slice(0, MAX_LISTENER_LINES - 1) : all;
  const lines = shown.map((l) => listenerSpans(l, f));
  if (shown.length < all.length) lines.push([{ text: `  +${all.length - shown.length} more listeners (portplex status lists them)`, style: STYLE.dim }]);
  return lines;
}

function listenerSpans(l: TopListener, f: Frame): Span[] {
  const queued = f.status.stats?.queued?.[l.index];
  const where = `${l.protocol ?? 'tcp'} ${hostPort(l.address, l.port ?? 0, l.family ?? undefined)}`;
  return [
    { text: `listener ${l.index}  ${where}  ${l.group}  ${l.mode === 'direct' ? 'direct' : l.algorithm ?? ''}` },
    { text: `  ${rate(f.history.listenerRate(l.index))} conn/s` },
    { text: '  queue ' },
    { text: queued === undefined ? '-' : String(queued), style: queued ? `${STYLE.bold};${STYLE.yellow}` : undefined },
    ...(l.closed ? [{ text: '  closed', style: STYLE.dim }] : []),
  ];
}

function tableAndEvents(f: Frame, room: number, line: (spans: readonly Span[], lineStyle?: string) => string): string[] {
  const groups = new Set(f.status.workers.map((w) => w.group));
  const groupWidth = Math.min(12, Math.max(5, ...[...groups].map((g) => width(g))));
  const columns = fitColumns(allColumns(groupWidth, groups.size), Math.max(1, f.columns - MARKER.length - 1));
  const workers = sortWorkers(f.status.workers, f.sort);
  const events = f.events;
  // The table header, then the workers; the footer keeps its title and a few events.
  const footerMin = Math.min(events.length, MIN_EVENT_LINES) + 1;
  const forWorkers = Math.max(1, room - 1 - footerMin);
  const fits = workers.length <= forWorkers;
  const visible = fits ? workers.length : Math.max(0, forWorkers - 1);
  const at = f.selected === null ? -1 : Math.max(0, workers.findIndex((w) => w.id === f.selected));
  // The selected row stays in view: the window starts as late as it needs to.
  const start = fits || at < 0 ? 0 : Math.min(Math.max(0, at - visible + 1), workers.length - visible);
  const out = [line([{ text: ' '.repeat(MARKER.length + 1), style: STYLE.bold }, ...headerSpans(columns).map((s) => ({ ...s, style: STYLE.bold }))])];
  for (let i = start; i < start + visible; i++) {
    const w = workers[i]!;
    const selected = i === at;
    const spans = [{ text: `${selected ? MARKER : ' '.repeat(MARKER.length)} `, style: selected ? STYLE.bold : undefined }, ...rowSpans(columns, w, { samples: f.history.samples(w.id) })];
    out.push(line(spans, selected ? STYLE.selected : ''));
  }
  if (!fits) out.push(line([{ text: `  +${workers.length - visible} more (${start > 0 ? `${start} above; ` : ''}↑↓ scroll)`, style: STYLE.dim }]));
  const left = room - out.length;
  if (left <= 0) return out;
  out.push(line([{ text: 'events', style: STYLE.bold }]));
  const shown = events.slice(Math.max(0, events.length - (left - 1)));
  for (const e of shown) out.push(line(eventSpans(e)));
  return out;
}

function bottomLine(f: Frame): Span[] {
  if (f.prompt !== undefined) return [{ text: f.prompt, style: STYLE.bold }];
  if (f.message !== undefined) return [{ text: f.message }];
  return [{ text: KEY_HINT, style: STYLE.dim }];
}

function helpLines(f: Frame): Span[][] {
  const rows: Array<[string, string]> = [
    ['q, Ctrl-C', 'quit'],
    ['↑ ↓, k j', 'select a worker (Home, End: the first, the last)'],
    ['d', 'drain the selected worker: weight 0, no new connections, open ones go on'],
    ['u', 'undrain it: its configured weight back'],
    ['r', 'reload: replace every worker, one at a time (asks y/n first)'],
    ['s', `sort by id, conn/s, active, cpu, memory (now: ${f.sort})`],
    ['?', 'this help; any key closes it'],
  ];
  return [
    [{ text: 'keys', style: STYLE.bold }],
    ...rows.map(([key, what]): Span[] => [{ text: `  ${key.padEnd(11)}`, style: STYLE.cyan }, { text: what }]),
    [],
    [{ text: 'The figures are the master\'s status, read every interval; history is conn/s of the last samples.', style: STYLE.dim }],
  ];
}
