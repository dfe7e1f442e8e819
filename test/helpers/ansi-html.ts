// Terminal text with SGR sequences (what `tmux capture-pane -e` prints) as a small HTML page:
// for a screenshot of a terminal program, taken by a browser. Colours, bold, dim and reverse.

/** The 16 colours as xterm draws them by default. */
const PALETTE = [
  '#000000', '#cd0000', '#00cd00', '#cdcd00', '#0000ee', '#cd00cd', '#00cdcd', '#e5e5e5',
  '#7f7f7f', '#ff0000', '#00ff00', '#ffff00', '#5c5cff', '#ff00ff', '#00ffff', '#ffffff',
];
const FOREGROUND = '#e5e5e5';
const BACKGROUND = '#1e1e1e';

interface Pen {
  fg?: string;
  bg?: string;
  bold: boolean;
  dim: boolean;
  reverse: boolean;
}

/** Colour `n` of the 256-colour palette. */
function colour256(n: number): string {
  if (n < 16) return PALETTE[n]!;
  if (n < 232) {
    const level = (v: number): number => (v === 0 ? 0 : 55 + v * 40);
    const i = n - 16;
    return rgb(level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6));
  }
  const grey = 8 + (n - 232) * 10;
  return rgb(grey, grey, grey);
}

function rgb(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((v) => Math.max(0, Math.min(255, v)).toString(16).padStart(2, '0')).join('')}`;
}

/** Applies one SGR sequence's parameters to `pen`. */
export function applySgr(pen: Pen, params: string): Pen {
  const p = params === '' ? [0] : params.split(';').map((x) => (x === '' ? 0 : Number(x)));
  const next = { ...pen };
  for (let i = 0; i < p.length; i++) {
    const n = p[i]!;
    if (n === 0) Object.assign(next, { fg: undefined, bg: undefined, bold: false, dim: false, reverse: false });
    else if (n === 1) next.bold = true;
    else if (n === 2) next.dim = true;
    else if (n === 7) next.reverse = true;
    else if (n === 22) next.bold = next.dim = false;
    else if (n === 27) next.reverse = false;
    else if (n >= 30 && n <= 37) next.fg = PALETTE[n - 30];
    else if (n === 39) next.fg = undefined;
    else if (n >= 40 && n <= 47) next.bg = PALETTE[n - 40];
    else if (n === 49) next.bg = undefined;
    else if (n >= 90 && n <= 97) next.fg = PALETTE[n - 90 + 8];
    else if (n >= 100 && n <= 107) next.bg = PALETTE[n - 100 + 8];
    else if ((n === 38 || n === 48) && p[i + 1] === 5) {
      next[n === 38 ? 'fg' : 'bg'] = colour256(p[i + 2] ?? 0);
      i += 2;
    } else if ((n === 38 || n === 48) && p[i + 1] === 2) {
      next[n === 38 ? 'fg' : 'bg'] = rgb(p[i + 2] ?? 0, p[i + 3] ?? 0, p[i + 4] ?? 0);
      i += 4;
    }
  }
  return next;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function style(pen: Pen): string {
  let fg = pen.fg ?? FOREGROUND;
  let bg = pen.bg;
  if (pen.reverse) [fg, bg] = [bg ?? BACKGROUND, fg];
  const parts = [`color:${fg}`];
  if (bg !== undefined) parts.push(`background:${bg}`);
  if (pen.bold) parts.push('font-weight:bold');
  if (pen.dim) parts.push('opacity:0.6');
  return parts.join(';');
}

/** The body of the page: one <span> per run of text in one pen, the lines as in the terminal. */
export function ansiToHtml(text: string): string {
  let pen: Pen = { bold: false, dim: false, reverse: false };
  let out = '';
  // SGR sequences change the pen; any other escape sequence is dropped.
  // eslint-disable-next-line no-control-regex
  const re = /\x1b\[([0-9;]*)([A-Za-z])|([^\x1b]+)|\x1b/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[3] !== undefined) out += `<span style="${style(pen)}">${escapeHtml(m[3])}</span>`;
    else if (m[2] === 'm') pen = applySgr(pen, m[1]!);
  }
  return out;
}

/** A page showing `text` as a terminal of `columns` x `rows` cells would. */
export function terminalPage(text: string, columns: number, rows: number, title = 'terminal'): string {
  const lines = text.replace(/\n$/, '').split('\n').slice(0, rows);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
html, body { margin: 0; background: ${BACKGROUND}; }
pre { margin: 0; padding: 8px; font: 14px/17px "DejaVu Sans Mono", "Liberation Mono", monospace; color: ${FOREGROUND};
      width: ${columns}ch; height: ${rows * 17}px; white-space: pre; overflow: hidden; }
</style></head>
<body><pre>${lines.map(ansiToHtml).join('\n')}</pre></body></html>
`;
}
