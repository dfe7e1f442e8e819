// The I/O of `portplex top`: reads the master every interval, keys from stdin, draws frames on
// stdout. Everything it shows is screen.ts's; this file only owns the terminal and the timers.
import { constants } from 'node:os';
import { CODES, PortplexError } from '../../errors.js';
import { ask } from '../../admin/ask.js';
import { ENTER, LEAVE, frame, wantColour } from './ansi.js';
import { RELOAD, WEIGHT } from '../../admin/answer-shapes.js';
import type { TopStatus } from './data.js';
import { History } from './history.js';
import { KEYS, KeyDecoder, type Key } from './keys.js';
import { render, type Frame } from './screen.js';
import { nextSort, sortWorkers, type SortKey } from './sort.js';
import { MasterSource } from './source.js';

export interface TopOptions {
  admin: string;
  /** ms between two reads of the master. */
  interval: number;
}

/** The parts of process.stdin, process.stdout and process.env top uses (tests give their own). */
export interface TopIo {
  stdin: {
    isTTY?: boolean;
    setRawMode?(on: boolean): unknown;
    on(event: 'data', listener: (chunk: Buffer) => void): unknown;
    off(event: 'data', listener: (chunk: Buffer) => void): unknown;
    resume(): unknown;
    pause(): unknown;
  };
  stdout: {
    isTTY?: boolean;
    columns?: number;
    rows?: number;
    hasColors?(): boolean;
    write(text: string): unknown;
    on(event: 'resize', listener: () => void): unknown;
    off(event: 'resize', listener: () => void): unknown;
  };
  env: NodeJS.ProcessEnv;
}

/** Width of the frame top prints when stdout is not a terminal (COLUMNS when set). */
const PLAIN_COLUMNS = 160;
/** Failed reads in a row after which the master is gone (one more try: an upgrade moves the socket). */
const GONE_AFTER = 2;
/** ms a reload may take (the master answers when its last worker is replaced). */
const RELOAD_TIMEOUT = 24 * 3600 * 1000;
/** Signals that end top, the terminal restored first. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs top until `q`, Ctrl-C or a signal (resolves; a signal sets the exit status to 128 + its
 * number), or until the master goes away (rejects with PORTPLEX_NOT_RUNNING). When stdout is not
 * a terminal it prints one plain frame and resolves. A master that is not there at the start
 * rejects before the screen is touched.
 */
export async function top(opts: TopOptions, io: TopIo = { stdin: process.stdin, stdout: process.stdout, env: process.env }): Promise<void> {
  const source = new MasterSource(opts.admin);
  const history = new History();
  const status = await source.poll();
  history.record(status, Date.now());
  if (!io.stdout.isTTY) {
    io.stdout.write(`${plainFrame(status, source, history, io.env).join('\n')}\n`);
    return;
  }
  await new Session(opts, io, source, history, status).run();
}

function plainFrame(status: TopStatus, source: MasterSource, history: History, env: NodeJS.ProcessEnv): string[] {
  const columns = /^\d+$/.test(env.COLUMNS ?? '') && Number(env.COLUMNS) >= 20 ? Number(env.COLUMNS) : PLAIN_COLUMNS;
  const events = source.events.slice(-10);
  // Tall enough for every worker and those events; the key hint at the bottom is for a terminal only.
  const rows = 6 + status.listeners.length + status.workers.length + events.length;
  const lines = render({ status, events, history, selected: null, sort: 'id', columns, rows, colour: false }).slice(0, -1);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

class Session {
  private selected: number | undefined;
  private sort: SortKey = 'id';
  private help = false;
  private asking = false;
  private message: string | undefined;
  private failures = 0;
  /** A read is under way; `again`: a key asked for another as soon as it is answered. */
  private reading = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly keys = new KeyDecoder();
  private restored = false;
  private ended = false;
  private settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;

  constructor(
    private readonly opts: TopOptions,
    private readonly io: TopIo,
    private readonly source: MasterSource,
    private readonly history: History,
    private status: TopStatus,
  ) {}

  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      const { stdin, stdout } = this.io;
      // The last resort: whatever ends the process, the terminal is given back.
      process.on('exit', this.restore);
      for (const s of SIGNALS) process.on(s, this.onSignal);
      stdout.on('resize', this.draw);
      if (stdin.isTTY && stdin.setRawMode) {
        stdin.setRawMode(true);
        stdin.on('data', this.onData);
        stdin.resume();
      }
      stdout.write(ENTER);
      this.draw();
      this.schedule();
    });
  }

  /** Leaves the screen as it was: cursor shown, main screen back, stdin cooked. Runs once. */
  private readonly restore = (): void => {
    if (this.restored) return;
    this.restored = true;
    const { stdin, stdout } = this.io;
    clearTimeout(this.timer);
    process.off('exit', this.restore);
    for (const s of SIGNALS) process.off(s, this.onSignal);
    stdout.off('resize', this.draw);
    stdin.off('data', this.onData);
    if (stdin.isTTY && stdin.setRawMode) stdin.setRawMode(false);
    stdin.pause();
    stdout.write(LEAVE);
  };

  private end(err?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.restore();
    if (err === undefined) this.settle!.resolve();
    else this.settle!.reject(err);
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    process.exitCode = 128 + constants.signals[signal];
    this.end();
  };

  private guard(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.end(err);
    }
  }

  private schedule(delay = this.opts.interval): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  /** Reads the master once and draws; the next read is one interval after this one's answer. */
  private async refresh(): Promise<void> {
    clearTimeout(this.timer);
    // One read at a time: answers then arrive in the order they were asked.
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    try {
      const status = await this.source.poll();
      if (this.ended) return;
      this.status = status;
      this.history.record(status, Date.now());
      this.failures = 0;
    } catch (err) {
      if (this.ended) return;
      if ((err as PortplexError).code === CODES.NOT_RUNNING && ++this.failures >= GONE_AFTER) {
        this.end(new PortplexError(CODES.NOT_RUNNING, `top: the master stopped answering: ${(err as Error).message}`, (err as PortplexError).exitCode));
        return;
      }
      this.message = (err as Error).message;
    } finally {
      this.reading = false;
    }
    this.draw();
    if (this.again) {
      this.again = false;
      void this.refresh();
    } else {
      this.schedule();
    }
  }

  private readonly draw = (): void => {
    if (this.ended) return;
    this.guard(() => {
      const { stdout } = this.io;
      const rows = stdout.rows || 24;
      const f: Frame = {
        status: this.status,
        events: this.source.events,
        history: this.history,
        selected: this.selected,
        sort: this.sort,
        columns: stdout.columns || 80,
        rows,
        colour: wantColour(this.io.env, stdout.hasColors?.() ?? false),
        help: this.help,
        prompt: this.asking ? 'reload: replace every worker, one at a time? y/n' : undefined,
        message: this.message,
      };
      stdout.write(frame(render(f), rows));
    });
  };

  private readonly onData = (chunk: Buffer): void => {
    this.guard(() => {
      for (const key of this.keys.feed(chunk)) {
        this.onKey(key);
        if (this.ended) return;
      }
      this.draw();
    });
  };

  private onKey(key: Key): void {
    if (key === 'q' || key === KEYS.ctrlC) return this.end();
    if (this.asking) {
      this.asking = false;
      if (key === 'y' || key === 'Y') void this.reload();
      else this.message = 'reload: not asked';
      return;
    }
    if (this.help) {
      this.help = false;
      return;
    }
    this.message = undefined;
    switch (key) {
      case KEYS.up: case 'k': return this.move(-1);
      case KEYS.down: case 'j': return this.move(1);
      case KEYS.pageUp: return this.move(-10);
      case KEYS.pageDown: return this.move(10);
      case KEYS.home: case 'g': return this.move(-Infinity);
      case KEYS.end: case 'G': return this.move(Infinity);
      case 'd': return void this.weight('drain');
      case 'u': return void this.weight('undrain');
      case 'r': this.asking = true; return;
      case 's': this.sort = nextSort(this.sort); return;
      case '?': this.help = true; return;
      default:
    }
  }

  /** The workers in the order shown. */
  private ordered(): ReturnType<typeof sortWorkers> {
    return sortWorkers(this.status.workers, this.sort);
  }

  private move(by: number): void {
    const list = this.ordered();
    if (list.length === 0) return;
    const at = Math.max(0, list.findIndex((w) => w.id === this.selected));
    const to = Math.min(list.length - 1, Math.max(0, at + (Number.isFinite(by) ? by : by * list.length)));
    this.selected = list[to]!.id;
  }

  private async weight(cmd: 'drain' | 'undrain'): Promise<void> {
    const list = this.ordered();
    const w = list.find((x) => x.id === this.selected) ?? list[0];
    if (w === undefined) return;
    this.message = `${cmd}: worker ${w.id}...`;
    try {
      const r = (await ask(this.opts.admin, { cmd, worker: w.id }, WEIGHT)) as { id: number; pid: number; weight: number; active: number };
      this.message = `${cmd}: worker ${r.id} (pid ${r.pid}) weight ${r.weight}${r.weight === 0 ? ', draining' : ''}, ${r.active} active`;
    } catch (err) {
      this.message = `${cmd}: ${(err as Error).message}`;
    }
    if (this.ended) return;
    void this.refresh();
  }

  private async reload(): Promise<void> {
    this.message = 'reload: replacing the workers one at a time...';
    try {
      const r = (await ask(this.opts.admin, { cmd: 'reload' }, RELOAD, RELOAD_TIMEOUT)) as { replaced: number[]; failed?: { worker: number; reason: string } | null };
      this.message = `reload: replaced ${r.replaced.length === 0 ? 'none' : `worker${r.replaced.length === 1 ? '' : 's'} ${r.replaced.join(', ')}`}${r.failed ? `; worker ${r.failed.worker} kept its old process: ${r.failed.reason}` : ''}`;
    } catch (err) {
      this.message = `reload: ${(err as Error).message}`;
    }
    if (this.ended) return;
    void this.refresh();
  }
}
