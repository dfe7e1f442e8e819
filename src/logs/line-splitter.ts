// Cuts a byte stream into whole lines. A partial line is held until its newline arrives, so two
// processes' lines never mix in the master's output; the part held is bounded: a line longer
// than `maxLine` bytes is cut there (at a UTF-8 character boundary) and passed on as it is.

const NL = 0x0a;

export class LineSplitter {
  private held: Buffer | undefined;

  constructor(
    /** Bytes a line may have before it is cut. */
    private readonly maxLine: number,
    /**
     * One line, bytes `start` to `end` of `b` without its newline; `cut` when it is the first
     * part of a longer one. Given as a range, not a slice: a chatty worker's every line would
     * otherwise cost the master an object. `b` is valid only during the call's turn.
     */
    private readonly line: (b: Buffer, start: number, end: number, cut: boolean) => void,
  ) {}

  /** Bytes held of a line whose newline has not come yet. */
  get pending(): number {
    return this.held?.length ?? 0;
  }

  push(chunk: Buffer): void {
    let b = chunk;
    if (this.held !== undefined) {
      b = Buffer.concat([this.held, chunk]);
      this.held = undefined;
    }
    let start = 0;
    for (;;) {
      const nl = b.indexOf(NL, start);
      const end = nl < 0 ? b.length : nl;
      // Whole lines first; what is too long is cut, also before its newline has come.
      while (end - start > this.maxLine) {
        const cut = boundary(b, start + this.maxLine, start);
        this.line(b, start, cut, true);
        start = cut;
      }
      if (nl < 0) break;
      this.line(b, start, nl > start && b[nl - 1] === 0x0d ? nl - 1 : nl, false);
      start = nl + 1;
    }
    // Copied: the chunk's memory is not kept alive by a few held bytes.
    if (start < b.length) this.held = Buffer.from(b.subarray(start));
  }

  /** The stream ended: what is held is a last line without its newline. */
  end(): void {
    if (this.held === undefined) return;
    const rest = this.held;
    this.held = undefined;
    this.line(rest, 0, rest.length, false);
  }
}

/** `at`, moved back to the start of the UTF-8 character it falls in (never before `min` + 1). */
function boundary(b: Buffer, at: number, min: number): number {
  let i = at;
  // Continuation bytes are 10xxxxxx; a character is at most 4 bytes.
  while (i > min + 1 && i > at - 3 && (b[i]! & 0xc0) === 0x80) i--;
  return (b[i]! & 0xc0) === 0x80 ? at : i;
}
