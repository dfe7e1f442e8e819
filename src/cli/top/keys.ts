// Keys from a terminal in raw mode: bytes in, key names out, escape sequences decoded.

/** A key: a printable character as itself, or one of these names. */
export type Key = string;
export const KEYS = Object.freeze({
  up: 'up', down: 'down', left: 'left', right: 'right', home: 'home', end: 'end',
  pageUp: 'pageup', pageDown: 'pagedown', enter: 'enter', escape: 'escape', ctrlC: 'ctrl-c', backspace: 'backspace', tab: 'tab',
});

/** CSI and SS3 final bytes of the cursor keys (xterm sends either form, by its cursor-key mode). */
const FINAL: Readonly<Record<string, Key>> = { A: KEYS.up, B: KEYS.down, C: KEYS.right, D: KEYS.left, H: KEYS.home, F: KEYS.end };
/** `CSI n ~` keys (vt220). */
const TILDE: Readonly<Record<string, Key>> = { 1: KEYS.home, 4: KEYS.end, 5: KEYS.pageUp, 6: KEYS.pageDown, 7: KEYS.home, 8: KEYS.end };

/**
 * Decodes what a terminal sends. A sequence split between two reads is kept until its end comes;
 * an ESC that ends a read is the Escape key (terminals send a sequence in one write). Unknown
 * sequences and other control characters are dropped.
 */
export class KeyDecoder {
  private pending = '';
  private readonly utf8 = new TextDecoder('utf-8');

  feed(chunk: Uint8Array | string): Key[] {
    const text = this.pending + (typeof chunk === 'string' ? chunk : this.utf8.decode(chunk, { stream: true }));
    this.pending = '';
    const keys: Key[] = [];
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch !== '\x1b') {
        const key = single(text.codePointAt(i)!);
        if (key !== undefined) keys.push(key);
        i += text.codePointAt(i)! > 0xffff ? 2 : 1;
        continue;
      }
      const next = text[i + 1];
      if (next === undefined) {
        keys.push(KEYS.escape);
        i++;
      } else if (next === '[' || next === 'O') {
        const end = sequenceEnd(text, i + 2);
        if (end < 0) {
          // Its final byte is in the next read.
          this.pending = text.slice(i);
          break;
        }
        const key = next === '[' ? csiKey(text.slice(i + 2, end), text[end]!) : FINAL[text[end]!];
        if (key !== undefined) keys.push(key);
        i = end + 1;
      } else {
        // Alt+key or a lone Escape followed by a key.
        keys.push(KEYS.escape);
        i++;
      }
    }
    return keys;
  }
}

/** Index of the final byte (0x40-0x7e) of the sequence whose parameters start at `from`, or -1. */
function sequenceEnd(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c >= 0x40 && c <= 0x7e) return j;
    // Parameter and intermediate bytes only; anything else ends a broken sequence here.
    if (c < 0x20 || c > 0x3f) return j;
  }
  return -1;
}

function csiKey(params: string, final: string): Key | undefined {
  if (final === '~') return TILDE[params.split(';')[0]!];
  // `CSI 1;5A` is Ctrl+Up: the same move here.
  return FINAL[final];
}

function single(cp: number): Key | undefined {
  if (cp === 0x03) return KEYS.ctrlC;
  if (cp === 0x0d || cp === 0x0a) return KEYS.enter;
  if (cp === 0x09) return KEYS.tab;
  if (cp === 0x7f || cp === 0x08) return KEYS.backspace;
  if (cp < 0x20 || (cp >= 0x80 && cp < 0xa0)) return undefined;
  return String.fromCodePoint(cp);
}
