// A screen line as spans of text with a style each, turned into what the terminal is sent.
import { paint } from './ansi.js';
import { clean, cellWidth } from './text.js';

export interface Span {
  text: string;
  /** SGR parameters (ansi.ts STYLE), '' or absent for none. */
  style?: string;
}

/**
 * The line `spans` make, cut at `cells` cells; with `colour`, each span painted in its style
 * over `lineStyle` (the selected row's bar, then drawn across the whole width).
 * Without colour the text is plain and has no trailing spaces.
 */
export function renderLine(spans: readonly Span[], cells: number, colour: boolean, lineStyle = ''): string {
  let out = '';
  let used = 0;
  let full = false;
  for (const span of spans) {
    let text = '';
    for (const ch of clean(span.text)) {
      const w = cellWidth(ch.codePointAt(0)!);
      if (used + w > cells) {
        full = true;
        break;
      }
      text += ch;
      used += w;
    }
    out += colour ? paint(text, [lineStyle, span.style ?? ''].filter(Boolean).join(';')) : text;
    if (full) break;
  }
  if (!colour) return out.trimEnd();
  return lineStyle !== '' && used < cells ? out + paint(' '.repeat(cells - used), lineStyle) : out;
}
