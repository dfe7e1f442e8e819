// Worker stdout and stderr through the master, line by line with the worker in front (or as
// JSON lines). Each read of a worker's pipe becomes at most one write of whole lines to the
// master's own stdout or stderr, so two workers' lines never interleave, and a worker that
// writes a lot costs the master one read and one write per chunk, never per line.
import type { Readable, Writable } from 'node:stream';
import { prefixOf, workerJson, type LineSource, type LogFormat } from './format.js';
import { LineSplitter } from './line-splitter.js';

/** ms after a process's exit by which its pipes must have ended (a process it started may hold them). */
const PIPE_DRAIN_MS = 1000;

export interface OutputOptions {
  readonly format: LogFormat;
  /** Bytes of the longest line; longer ones are cut there. */
  readonly maxLine: number;
  /** Several groups: the prefix names the group too. */
  readonly severalGroups: boolean;
}

export class WorkerOutput {
  constructor(
    private readonly options: OutputOptions,
    private readonly out: Writable = process.stdout,
    private readonly err: Writable = process.stderr,
  ) {}

  /** Passes what a process writes on `stdout` and `stderr` on; `exited` resolves when the process has. */
  attach(worker: number, group: string, pid: number, stdout: Readable | null, stderr: Readable | null, exited: Promise<void>): void {
    const prefix = prefixOf(worker, group, this.options.severalGroups);
    if (stdout) this.pipe({ worker, group, pid, stream: 'stdout', prefix }, stdout, this.out, exited);
    if (stderr) this.pipe({ worker, group, pid, stream: 'stderr', prefix }, stderr, this.err, exited);
  }

  private pipe(from: LineSource, input: Readable, output: Writable, exited: Promise<void>): void {
    const flush = this.options.format === 'text' ? textBatch(from.prefix, output) : jsonBatch(from, output);
    const splitter = new LineSplitter(this.options.maxLine, flush.line);
    input.on('data', (chunk: Buffer) => {
      splitter.push(chunk);
      flush.write();
    });
    input.on('end', () => {
      splitter.end();
      flush.write();
    });
    // A broken pipe from a dying worker is not the master's error.
    input.on('error', () => {});
    void exited.then(() => {
      setTimeout(() => {
        if (input.destroyed) return;
        splitter.end();
        flush.write();
        input.destroy();
      }, PIPE_DRAIN_MS).unref();
    });
  }
}

/** Lines gathered during one read, and the one write that passes them on. */
interface Batch {
  line(b: Buffer, start: number, end: number, cut: boolean): void;
  write(): void;
}

/**
 * Text: the ranges of one read's lines are noted, then copied once into a buffer of the exact
 * size with the prefix before each: one allocation and one write per read, however many lines.
 */
function textBatch(prefix: Buffer, output: Writable): Batch {
  let source: Buffer | undefined;
  let ranges: number[] = [];
  let bytes = 0;
  const write = (): void => {
    if (ranges.length === 0 || source === undefined) return;
    const out = Buffer.allocUnsafe(bytes + (ranges.length / 2) * (prefix.length + 1));
    let at = 0;
    for (let i = 0; i < ranges.length; i += 2) {
      at += prefix.copy(out, at);
      at += source.copy(out, at, ranges[i], ranges[i + 1]);
      out[at++] = 0x0a;
    }
    ranges = [];
    bytes = 0;
    source = undefined;
    output.write(out);
  };
  return {
    line(b, start, end) {
      // A read's lines all come from one buffer; should another begin, what is noted goes first.
      if (source !== undefined && source !== b) write();
      source = b;
      ranges.push(start, end);
      bytes += end - start;
    },
    write,
  };
}

/** JSON: one object a line, gathered into one write per read. */
function jsonBatch(from: LineSource, output: Writable): Batch {
  let text = '';
  return {
    line(b, start, end, cut) {
      text += workerJson(from, b.toString('utf8', start, end), cut);
    },
    write() {
      if (text === '') return;
      output.write(text);
      text = '';
    },
  };
}
