// Worker stdout and stderr through the master, line by line with the worker in front (or as
// JSON lines). Each read of a worker's pipe becomes at most one write of whole lines to the
// master's own stdout or stderr, so two workers' lines never interleave, and a worker that
// writes a lot costs the master one read and one write per chunk, never per line.
import type { Readable, Writable } from 'node:stream';
import { prefixOf, workerLine, type LineSource, type LogFormat } from './format.js';
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
    const { format, maxLine } = this.options;
    let parts: Buffer[] = [];
    const splitter = new LineSplitter(maxLine, (line, cut) => {
      for (const b of workerLine(format, from, line, cut)) parts.push(b);
    });
    const flush = (): void => {
      if (parts.length === 0) return;
      const batch = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      parts = [];
      output.write(batch);
    };
    input.on('data', (chunk: Buffer) => {
      splitter.push(chunk);
      flush();
    });
    input.on('end', () => {
      splitter.end();
      flush();
    });
    // A broken pipe from a dying worker is not the master's error.
    input.on('error', () => {});
    void exited.then(() => {
      setTimeout(() => {
        if (input.destroyed) return;
        splitter.end();
        flush();
        input.destroy();
      }, PIPE_DRAIN_MS).unref();
    });
  }
}
