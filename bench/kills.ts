// The worker-crash workload: new-connection load while a random worker is killed (SIGKILL)
// every 2 s, as a crashing application or the OOM killer does. What clients see failed per kill:
// connections reset without an answer (wrk's read, write and timeout errors). Node's cluster
// forks a dead worker again (BENCH_REFORK); portplex restarts it itself.
//
//   node dist/bench/kills.js [--rounds n] [--setups a,b] [--seconds s]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { childPids } from './cpu.js';
import { allSetups, type Running, type Setup, type SetupContext } from './setups.js';
import { median } from './stats.js';
import { runWrk } from './wrk.js';

export interface KillOptions {
  workers: number;
  seconds: number;
  everyMs: number;
  connections: number;
}

export const KILL_DEFAULTS: KillOptions = { workers: 4, seconds: 32, everyMs: 2000, connections: 32 };

export interface KillRound {
  setup: string;
  kills: number;
  requests: number;
  /** Requests that failed: resets (read), write errors and timeouts. */
  failed: number;
}

export const KILL_SETUPS = ['cluster-rr', 'portplex-round-robin'];

/** Starts `setup` with BENCH_REFORK=1: a Node cluster primary forks a dead worker again, as an operator's does. */
export function startReforking(setup: Setup, ctx: SetupContext): Promise<Running> {
  return setup.start({ ...ctx, env: { ...ctx.env, BENCH_REFORK: '1' } });
}

/** Kills a random serving process of `running` every `everyMs` while wrk runs; one round. */
export async function runKillRound(setup: Setup, ctx: SetupContext, o: KillOptions = KILL_DEFAULTS): Promise<KillRound> {
  const running = await startReforking(setup, { ...ctx, workers: o.workers });
  let kills = 0;
  try {
    const wrk = runWrk({ url: `http://127.0.0.1:${running.port}/`, threads: 1, connections: o.connections, seconds: o.seconds, headers: ['Connection: close'] });
    const timer = setInterval(() => {
      const pids = running.masterPid === null ? [] : childPids(running.masterPid);
      if (pids.length === 0) return;
      try {
        process.kill(pids[Math.floor(Math.random() * pids.length)]!, 'SIGKILL');
        kills++;
      } catch {
        // Gone meanwhile.
      }
    }, o.everyMs);
    const r = await wrk.finally(() => clearInterval(timer));
    return { setup: setup.name, kills, requests: r.requests, failed: r.errors.read + r.errors.write + r.errors.timeout };
  } finally {
    await running.stop();
  }
}

/** Failed requests per kill, median over rounds, per setup. */
export function summariseKills(rounds: readonly KillRound[]): Array<{ setup: string; perKill: number | null; failed: number; kills: number; requests: number; rounds: number }> {
  const names = [...new Set(rounds.map((r) => r.setup))];
  return names.map((setup) => {
    const rs = rounds.filter((r) => r.setup === setup);
    const sum = (f: (r: KillRound) => number): number => rs.reduce((n, r) => n + f(r), 0);
    return { setup, perKill: median(rs.map((r) => (r.kills > 0 ? r.failed / r.kills : null))), failed: sum((r) => r.failed), kills: sum((r) => r.kills), requests: sum((r) => r.requests), rounds: rs.length };
  });
}

export function killsMarkdown(rows: ReturnType<typeof summariseKills>, o: KillOptions = KILL_DEFAULTS): string {
  return [
    `wrk with ${o.connections} connections and a new connection per request for ${o.seconds} s over ${o.workers} workers; a random worker SIGKILLed every ${o.everyMs / 1000} s.`,
    '',
    '| setup | failed requests per kill (median over rounds) | failed / kills / requests, all rounds |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.setup} | ${r.perKill === null ? '-' : r.perKill.toFixed(2)} | ${r.failed} / ${r.kills} / ${r.requests} |`),
    '',
  ].join('\n');
}

export async function runKillsBench(rounds: number, names: readonly string[] = KILL_SETUPS, o: KillOptions = KILL_DEFAULTS, log: (line: string) => void = () => {}): Promise<KillRound[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'portplex-kills-'));
  try {
    const setups = allSetups().filter((s) => names.includes(s.name));
    const out: KillRound[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const s of r % 2 === 0 ? setups : [...setups].reverse()) {
        const ctx = { workers: o.workers, tmp };
        if (s.unavailable(ctx)) continue;
        const round = await runKillRound(s, ctx, o);
        log(`worker kills, round ${r + 1}/${rounds}: ${s.name} ${round.failed} failed in ${round.kills} kills (${round.requests} requests)`);
        out.push(round);
      }
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2' }, setups: { type: 'string' }, seconds: { type: 'string' } } });
  const o = { ...KILL_DEFAULTS, seconds: Number(values.seconds ?? KILL_DEFAULTS.seconds) };
  const rounds = await runKillsBench(Number(values.rounds), values.setups ? values.setups.split(',') : KILL_SETUPS, o, (l) => process.stderr.write(`${l}\n`));
  process.stdout.write(killsMarkdown(summariseKills(rounds), o));
}
