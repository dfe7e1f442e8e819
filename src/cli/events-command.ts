// `portplex events`: the master's last lifecycle events, one line each; with --follow, the new
// ones as they come, asked for every FOLLOW_EVERY ms until SIGINT or SIGTERM.
import { Command } from 'commander';
import { CODES, PortplexError } from '../errors.js';
import type { LifecycleEvent } from '../event-kinds.js';
import { notRunning } from '../admin/path-checks.js';
import { defaultAdminPath } from '../admin/socket-path.js';
import { EVENTS } from '../admin/answer-shapes.js';
import { ask } from '../admin/ask.js';
import { wholeNumber } from './options.js';

/** ms between two questions while following: a person reads along, nothing waits on it. */
const FOLLOW_EVERY = 500;
/** Most events a master returns at once (the admin command's own limit). */
const MAX_LIMIT = 1000;
/** Kinds are padded to the longest ('listen-failed'), so that messages line up. */
const KIND_WIDTH = 13;

interface EventsOptions { admin: string; follow?: boolean; json?: boolean; since?: number; limit?: number }

interface EventsResult { events: LifecycleEvent[]; last: number }

export function addEventsCommand(program: Command, run: (work: Promise<void>) => void): void {
  program
    .command('events')
    .description('the last lifecycle events of a running master (starts, exits, restarts, drains, reloads...), oldest first')
    .option('--admin <path>', 'admin socket of the master', defaultAdminPath())
    .option('--follow', 'go on printing new events as they happen, until Ctrl-C')
    .option('--json', 'one JSON object per event and line')
    .option('--since <seq>', 'only the events after this seq', wholeNumber(0))
    .option('--limit <n>', 'at most this many events, 1-1000 (default: 100)', wholeNumber(1, MAX_LIMIT))
    .exitOverride()
    .action((opts: EventsOptions) => run(opts.follow ? follow(opts) : once(opts)));
}

/** Prints the newest events (or those after --since) once. */
async function once(opts: EventsOptions): Promise<void> {
  const r = await request(opts.admin, opts.since, opts.limit);
  if (opts.since !== undefined) missed(opts, opts.since, r);
  for (const e of r.events) print(opts, e);
}

/**
 * Prints the newest events (or those after --since), then asks again with the last seq seen
 * until a signal ends it (exit status 0). A master that goes away ends it with the status
 * `portplex status` has for a master that is not running.
 */
async function follow(opts: EventsOptions): Promise<void> {
  let stopped = false;
  let wake: (() => void) | undefined;
  const stop = (): void => {
    stopped = true;
    wake?.();
  };
  // `portplex events --follow | head`: a reader that went away ends it too.
  const onPipe = (err: NodeJS.ErrnoException): void => { if (err.code === 'EPIPE') stop(); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.on('error', onPipe);
  try {
    let since = opts.since;
    let first = true;
    while (!stopped) {
      let r: EventsResult;
      try {
        // The first answer is --limit's (or the default's); catching up afterwards takes what it can.
        r = await request(opts.admin, since, first ? opts.limit : MAX_LIMIT);
      } catch (err) {
        if (stopped) return;
        throw gone(opts.admin, err);
      }
      if (stopped) return;
      if (!first && since !== undefined && r.last < since) {
        // A new master answers at this path (an upgrade, a restart): its seq began again.
        note(opts, `the master at ${opts.admin} is a new one: its events begin again at 1`);
        since = 0;
        continue;
      }
      if (since !== undefined) missed(opts, since, r);
      for (const e of r.events) print(opts, e);
      first = false;
      since = r.events.length > 0 ? r.events[r.events.length - 1]!.seq : Math.max(since ?? 0, r.last);
      // A full answer: more are waiting now, ask again at once.
      if (r.events.length === MAX_LIMIT) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, FOLLOW_EVERY);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.stdout.off('error', onPipe);
  }
}

async function request(path: string, since: number | undefined, limit: number | undefined): Promise<EventsResult> {
  return (await ask(path, { cmd: 'events', since, limit }, EVENTS)) as EventsResult;
}

/** The master stopped answering while followed: said as such, with the status of a master not running. */
function gone(path: string, err: unknown): unknown {
  if (!(err instanceof PortplexError) || err.code !== CODES.NOT_RUNNING) return err;
  return new PortplexError(CODES.NOT_RUNNING, `the master at ${path} went away while its events were followed: no portplex master answers there now`, notRunning(path).exitCode);
}

/** How many events the master no longer held between seq `since` and the first of `r`. */
export function missedAfter(since: number, r: { events: ReadonlyArray<{ seq: number }>; last: number }): number {
  // Nothing returned: the newest held is `last`, so none is missing unless `last` is past `since`.
  const first = r.events.length > 0 ? r.events[0]!.seq : r.last + 1;
  return Math.max(0, Math.min(first, r.last + 1) - since - 1);
}

/** Says how many events the ring dropped between `since` and the first of `r` (nothing when none). */
function missed(opts: EventsOptions, since: number, r: EventsResult): void {
  const n = missedAfter(since, r);
  if (n > 0) note(opts, `${n} event${n === 1 ? '' : 's'} missed (after seq ${since}): the master keeps only its last ones`);
}

/** A line about the events, not an event: on stdout with the text, on stderr beside JSON lines (which stay one object each). */
function note(opts: EventsOptions, text: string): void {
  if (opts.json) process.stderr.write(`portplex: ${text}\n`);
  else process.stdout.write(`-- ${text}\n`);
}

function print(opts: EventsOptions, e: LifecycleEvent): void {
  process.stdout.write(opts.json ? `${JSON.stringify(e)}\n` : `${clock(e.at)}  ${e.kind.padEnd(KIND_WIDTH)}  ${oneLine(e.message)}\n`);
}

/** Local time of day, HH:MM:SS.mmm. */
export function clock(at: number): string {
  const d = new Date(at);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** A message from a master is printed on one line, whatever it holds. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
