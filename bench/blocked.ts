// The blocked-worker workload: one request blocks one worker's event loop for 3 s (a big JSON
// parse, a template render), then 16 clients make new-connection requests for 2.5 s. A balancer
// that keeps handing connections to the blocked process makes every client wait on it in turn;
// one that sees it has stopped taking them serves the others at full speed.
//
//   node dist/bench/blocked.js [--rounds n] [--workers 3,4] [--setups a,b]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runClient, type Sample } from './client.js';
import { allSetups, ROOT, type Setup, type SetupContext } from './setups.js';
import { median } from './stats.js';

export const UNEVEN_APP = join(ROOT, 'bench/apps/uneven.js');

export interface BlockedOptions {
  blockMs: number;
  loops: number;
  durationMs: number;
}

export const BLOCKED_DEFAULTS: BlockedOptions = { blockMs: 3000, loops: 16, durationMs: 2500 };

/** One setup, one round. */
export interface BlockedRound {
  setup: string;
  workers: number;
  /** Requests answered within the 2.5 s. */
  served: number;
  /** Requests that took over 1 s to answer, whenever they were answered (a client stuck behind the blocked worker). */
  slow: number;
  /** Requests that failed (reset, refused, timed out). */
  failed: number;
  /** The blocking request itself was answered. */
  blockAnswered: boolean;
}

/** The setups the workload compares, as named in the main bench. */
export const BLOCKED_SETUPS = ['cluster-rr', 'cluster-none', 'portplex-round-robin', 'portplex-least-connections', 'portplex-power-of-two'];

/** Runs the workload once against `setup` (started here and stopped after). */
export async function runBlockedRound(setup: Setup, ctx: SetupContext, o: BlockedOptions = BLOCKED_DEFAULTS): Promise<BlockedRound> {
  const running = await setup.start({ ...ctx, app: UNEVEN_APP });
  try {
    // Warm the accept and hand-over paths, then block one worker (whichever the balancer picks).
    await runClient({ port: running.port, durationMs: 300, loops: 4, next: () => ({ path: '/', kind: 'light' }) });
    const block = runClient({ port: running.port, durationMs: 1, loops: 1, timeoutMs: o.blockMs + 10_000, next: () => ({ path: `/?cost=${o.blockMs}`, kind: 'block' }) });
    // Time for the blocking request to reach its worker and start burning.
    await new Promise((r) => setTimeout(r, 100));
    const samples = await runClient({ port: running.port, durationMs: o.durationMs, loops: o.loops, timeoutMs: o.blockMs + 10_000, next: () => ({ path: '/', kind: 'light' }) });
    const [blocked] = await block;
    return { setup: setup.name, workers: ctx.workers, ...count(samples, o.durationMs), blockAnswered: blocked?.ok === true };
  } finally {
    await running.stop();
  }
}

/** Served within the load's duration, slow among those, and failed. */
export function count(samples: readonly Sample[], durationMs: number): { served: number; slow: number; failed: number } {
  let served = 0;
  let slow = 0;
  let failed = 0;
  for (const s of samples) {
    if (!s.ok) {
      failed++;
      continue;
    }
    if (s.start + s.ms <= durationMs) served++;
    if (s.ms > 1000) slow++;
  }
  return { served, slow, failed };
}

/** Median served and slow per setup and worker count, over rounds. */
export function summariseBlocked(rounds: readonly BlockedRound[]): Array<{ setup: string; workers: number; served: number | null; slow: number | null; failed: number; rounds: number }> {
  const keys = [...new Set(rounds.map((r) => `${r.workers}\u0000${r.setup}`))];
  return keys.map((k) => {
    const [w, setup] = k.split('\u0000') as [string, string];
    const rs = rounds.filter((r) => r.setup === setup && r.workers === Number(w));
    return { setup, workers: Number(w), served: median(rs.map((r) => r.served)), slow: median(rs.map((r) => r.slow)), failed: rs.reduce((n, r) => n + r.failed, 0), rounds: rs.length };
  });
}

/** The markdown table of summariseBlocked(). */
export function blockedMarkdown(rows: ReturnType<typeof summariseBlocked>, o: BlockedOptions = BLOCKED_DEFAULTS): string {
  const lines = [
    `One request blocks a worker for ${o.blockMs} ms; ${o.loops} clients then make new-connection requests for ${o.durationMs} ms (medians over rounds).`,
    '',
    '| workers | setup | requests served | requests that took over 1 s | failed (all rounds) |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.workers} | ${r.setup} | ${r.served ?? '-'} | ${r.slow ?? '-'} | ${r.failed} |`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Every setup of BLOCKED_SETUPS that can run here, for `workerCounts`, `rounds` times, alternating the order. */
export async function runBlockedBench(workerCounts: readonly number[], rounds: number, names: readonly string[] = BLOCKED_SETUPS, log: (line: string) => void = () => {}): Promise<BlockedRound[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'portplex-blocked-'));
  try {
    const setups = allSetups().filter((s) => names.includes(s.name));
    const out: BlockedRound[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const workers of workerCounts) {
        const ctx = { workers, tmp };
        const order = r % 2 === 0 ? setups : [...setups].reverse();
        for (const s of order) {
          if (s.unavailable(ctx)) continue;
          const round = await runBlockedRound(s, ctx);
          log(`blocked worker, round ${r + 1}/${rounds}, ${workers} workers: ${s.name} served ${round.served}, ${round.slow} over 1 s, ${round.failed} failed`);
          out.push(round);
        }
      }
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, workers: { type: 'string', default: '3,4' }, setups: { type: 'string' } } });
  const names = values.setups ? values.setups.split(',') : BLOCKED_SETUPS;
  const rounds = await runBlockedBench(values.workers!.split(',').map(Number), Number(values.rounds), names, (l) => process.stderr.write(`${l}\n`));
  process.stdout.write(blockedMarkdown(summariseBlocked(rounds)));
}
