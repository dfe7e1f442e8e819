// The footer's event lines, and the events top keeps between frames.
import { STYLE } from './ansi.js';
import type { TopEvent } from './data.js';
import type { Span } from './line.js';

/** Events kept for the footer: more than any terminal shows. */
export const KEPT_EVENTS = 200;

/** Kinds that say something went wrong, and kinds that change what serves. */
const BAD = new Set(['exit', 'unhealthy', 'fault', 'channel', 'listen-failed', 'fatal']);
const CHANGE = new Set(['restart', 'recycle', 'reload', 'drain', 'scale', 'upgrade', 'stop', 'weight']);
const GOOD = new Set(['ready', 'healthy', 'undrain', 'start']);

/** `kept` followed by `fresh` (both oldest first), without a seq seen twice, the newest KEPT_EVENTS. */
export function mergeEvents(kept: readonly TopEvent[], fresh: readonly TopEvent[]): TopEvent[] {
  const last = kept.length > 0 ? kept[kept.length - 1]!.seq : 0;
  const out = [...kept, ...fresh.filter((e) => e.seq > last)];
  return out.length > KEPT_EVENTS ? out.slice(out.length - KEPT_EVENTS) : out;
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** hh:mm:ss of `at` in local time. */
export function clock(at: number): string {
  const d = new Date(at);
  return `${twoDigits(d.getHours())}:${twoDigits(d.getMinutes())}:${twoDigits(d.getSeconds())}`;
}

/** One event as a footer line's spans: time, kind, message. */
export function eventSpans(e: TopEvent): Span[] {
  const style = BAD.has(e.kind) ? STYLE.red : CHANGE.has(e.kind) ? STYLE.yellow : GOOD.has(e.kind) ? STYLE.green : undefined;
  return [{ text: `${clock(e.at)} `, style: STYLE.dim }, { text: e.kind.padEnd(9), style }, { text: ` ${e.message}` }];
}
