// Where JSON text goes wrong, as a line and column: V8's JSON.parse names a character offset on
// some Node lines, a quoted excerpt on others, and nothing for an early end. This scanner runs
// only after JSON.parse has failed, and finds the first place the JSON grammar (RFC 8259) breaks.

/** The first syntax error of `text`: 1-based line and column, and what was expected there. */
export interface JsonSyntax {
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

class Stop {
  constructor(readonly at: number, readonly expected: string) {}
}

/** Finds the first syntax error of `text`; undefined if there is none (or the nesting is too deep to follow). */
export function locateJsonError(text: string): JsonSyntax | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.document();
    return undefined;
  } catch (err) {
    if (!(err instanceof Stop)) return undefined;
    return { ...lineColumn(text, err.at), reason: `expected ${err.expected}, found ${found(text, err.at)}` };
  }
}

/** 1-based line and column of offset `at` (columns count UTF-16 units, as editors mostly do). */
export function lineColumn(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: at - start + 1 };
}

function found(text: string, at: number): string {
  if (at >= text.length) return 'the end of the file';
  const c = text[at]!;
  return c < ' ' ? `the control character U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}` : JSON.stringify(c);
}

/** Recursive descent over the grammar; the first token out of place throws a Stop. */
class Scanner {
  private i = 0;
  /** Nesting followed at most: deeper text is left to JSON.parse's own message. */
  private depth = 0;

  constructor(private readonly s: string) {}

  document(): void {
    this.value();
    this.ws();
    if (this.i < this.s.length) throw new Stop(this.i, 'the end of the file after the value');
  }

  private ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }

  private value(): void {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.nested(() => this.object());
    if (c === '[') return this.nested(() => this.array());
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    throw new Stop(this.i, 'a value');
  }

  private nested(parse: () => void): void {
    if (++this.depth > 1000) throw new Error('too deep');
    parse();
    this.depth--;
  }

  private object(): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') throw new Stop(this.i, 'a property name in double quotes');
      this.string();
      this.ws();
      if (this.s[this.i] !== ':') throw new Stop(this.i, '":" after the property name');
      this.i++;
      this.value();
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === '}') return;
      if (c !== ',') throw new Stop(this.i - 1, '"," or "}" after the property value');
    }
  }

  private array(): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === ']') return;
      if (c !== ',') throw new Stop(this.i - 1, '"," or "]" after the list item');
    }
  }

  private string(): void {
    this.i++;
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) throw new Stop(this.i, 'the closing \'"\' of the string');
      if (c === '"') {
        this.i++;
        return;
      }
      if (c < ' ') throw new Stop(this.i, 'no control character in a string (write \\n, \\t)');
      if (c === '\\') {
        const e = this.s[this.i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) throw new Stop(this.i, 'four hex digits after \\u');
          this.i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new Stop(this.i + 1, 'an escape: one of " \\ / b f n r t u after \\');
        this.i += 2;
        continue;
      }
      this.i++;
    }
  }

  private number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (m === null) throw new Stop(this.s[this.i] === '-' ? this.i + 1 : this.i, 'a digit');
    this.i += m[0].length;
  }
}
