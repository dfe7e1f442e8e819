// The few terminal control sequences top writes (ECMA-48 / xterm): no library, nothing else.

const CSI = '\x1b[';

/** Switches to the alternate screen and hides the cursor: the user's scrollback stays as it was. */
export const ENTER = `${CSI}?1049h${CSI}?25l`;
/** Shows the cursor and leaves the alternate screen, the text before top back in place. */
export const LEAVE = `${CSI}0m${CSI}?25h${CSI}?1049l`;

/** Moves the cursor to `row`, `column` (1-based). */
export function moveTo(row: number, column = 1): string {
  return `${CSI}${row};${column}H`;
}

/** Erases the whole line the cursor is on. */
export const ERASE_LINE = `${CSI}2K`;
/** Erases from the cursor to the end of the screen. */
export const ERASE_BELOW = `${CSI}J`;

/** SGR parameters of the styles top uses. */
export const STYLE = Object.freeze({
  bold: '1',
  dim: '2',
  reverse: '7',
  red: '31',
  green: '32',
  yellow: '33',
  blue: '34',
  magenta: '35',
  cyan: '36',
  /** The selected row's bar: a background, so that its cells keep their own colours. */
  selected: '44',
});

/** `text` in SGR `style` (parameters joined by ';'), reset after it. */
export function paint(text: string, style: string): string {
  return style === '' || text === '' ? text : `${CSI}${style}m${text}${CSI}0m`;
}

/**
 * One frame as a write: each line drawn on its row after erasing that row (erasing after the
 * text would take the last column of a full line with it, in xterm's pending-wrap state), then
 * everything below the last line erased.
 */
export function frame(lines: readonly string[], rows: number): string {
  let out = '';
  for (let i = 0; i < lines.length && i < rows; i++) out += `${moveTo(i + 1)}${ERASE_LINE}${lines[i]}`;
  if (lines.length < rows) out += `${moveTo(lines.length + 1)}${ERASE_BELOW}`;
  return out;
}

/** Colours on a terminal that has them, unless NO_COLOR is set to anything but '' (no-color.org). */
export function wantColour(env: NodeJS.ProcessEnv, hasColors: boolean): boolean {
  return hasColors && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
