// Text measured in terminal cells: what the master sends is made safe to print and cut to fit.

/** Code points a terminal draws two cells wide (CJK, Hangul, full-width forms, most emoji). */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];

/** Code points drawn in no cell of their own (combining marks, zero-width characters, variation selectors). */
const ZERO: ReadonlyArray<readonly [number, number]> = [[0x0300, 0x036f], [0x200b, 0x200f], [0xfe00, 0xfe0f]];

function inRanges(cp: number, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  return false;
}

/** Cells the code point `cp` takes. */
export function cellWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if (inRanges(cp, ZERO)) return 0;
  return inRanges(cp, WIDE) ? 2 : 1;
}

/** Cells `text` takes (it holds no control characters: see `clean`). */
export function width(text: string): number {
  let n = 0;
  for (const ch of text) n += cellWidth(ch.codePointAt(0)!);
  return n;
}

/**
 * `text` with every control character (C0, DEL, C1) as a space: a group name or an event
 * message from the master can never move the cursor or change colours.
 */
export function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, ' ');
}

/** `text` cut to at most `cells` cells, with '…' where it was cut. */
export function cut(text: string, cells: number): string {
  if (cells <= 0) return '';
  if (width(text) <= cells) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = cellWidth(ch.codePointAt(0)!);
    if (used + w > cells - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** `text` cut to `cells` and padded with spaces to exactly that many, on the right or (`right`) the left. */
export function fit(text: string, cells: number, right = false): string {
  const t = cut(text, cells);
  const pad = ' '.repeat(Math.max(0, cells - width(t)));
  return right ? pad + t : t + pad;
}
