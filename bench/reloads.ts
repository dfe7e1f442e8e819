// The keep-alive reload workload: wrk keeps 32 keep-alive connections busy on 2 workers while
// the service is reloaded (rolling restart) 5 times, as a deploy does. What clients see failed:
// wrk's read, write and timeout errors and non-2xx answers. portplex reloads with
// `portplex reload`; PM2 (when installed: `npm i -g pm2`) with `pm2 reload`, in its own PM2_HOME.
//
//   node dist/bench/reloads.js [--rounds n] [--reloads n]
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, start, stop, waitHttp } from './procs.js';
import { APP, ROOT } from './setups.js';
import { runWrk } from './wrk.js';

export interface ReloadOptions {
  workers: number;
  connections: number;
  reloads: number;
  /** ms between the end of one reload and the start of the next. */
  everyMs: number;
}

export const RELOAD_DEFAULTS: ReloadOptions = { workers: 2, connections: 32, reloads: 5, everyMs: 1500 };

export interface ReloadRound {
  setup: string;
  reloads: number;
  requests: number;
  failed: number;
}

/** A service that can be started, reloaded and stopped; null from unavailable() when it can run here. */
interface ReloadSetup {
  name: string;
  unavailable(): string | null;
  start(port: number, tmp: string, o: ReloadOptions): Promise<{ reload: () => Promise<void>; stop: () => Promise<void> }>;
}

const CLI = join(ROOT, 'dist/src/cli/main.js');

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const portplexSetup: ReloadSetup = {
  name: 'portplex',
  unavailable: () => null,
  async start(port, tmp, o) {
    const sock = join(tmp, 'reload.sock');
    const proc = start(process.execPath, [CLI, '-w', String(o.workers), '-l', `127.0.0.1:${port}`, '--admin', sock, APP], { cwd: ROOT });
    await waitHttp(port);
    return {
      reload: async () => { await run(process.execPath, [CLI, 'reload', '--admin', sock]); },
      stop: () => stop(proc, 15_000),
    };
  },
};

/** True when `pm2` is on PATH. Looked up, not run: any pm2 command starts a PM2 daemon. */
function hasPm2(): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'pm2')));
}

const pm2Setup: ReloadSetup = {
  name: 'pm2',
  unavailable: () => (hasPm2() ? null : 'pm2 is not installed (npm i -g pm2)'),
  async start(port, tmp, o) {
    // A PM2 daemon of its own, so a user's PM2 processes are neither seen nor touched.
    const env = { ...process.env, PM2_HOME: join(tmp, 'pm2'), PORT: String(port) };
    const name = `portplex-bench-${process.pid}`;
    await run('pm2', ['start', APP, '-i', String(o.workers), '--name', name], env);
    await waitHttp(port);
    return {
      reload: async () => { await run('pm2', ['reload', name], env); },
      stop: async () => {
        await run('pm2', ['delete', name], env).catch(() => '');
        await run('pm2', ['kill'], env).catch(() => '');
      },
    };
  },
};

export const RELOAD_SETUPS: readonly ReloadSetup[] = [portplexSetup, pm2Setup];

/** One round: wrk for the whole run, `o.reloads` reloads one after another. */
async function runReloadRound(setup: ReloadSetup, tmp: string, o: ReloadOptions): Promise<ReloadRound> {
  const port = await freePort();
  const service = await setup.start(port, tmp, o);
  try {
    const seconds = Math.ceil(((o.reloads + 1) * o.everyMs) / 1000) + 2 * o.reloads;
    const wrk = runWrk({ url: `http://127.0.0.1:${port}/`, threads: 1, connections: o.connections, seconds });
    let reloads = 0;
    const ends = Date.now() + seconds * 1000 - o.everyMs;
    while (reloads < o.reloads && Date.now() < ends) {
      await new Promise((r) => setTimeout(r, o.everyMs));
      await service.reload();
      reloads++;
    }
    const r = await wrk;
    return { setup: setup.name, reloads, requests: r.requests, failed: r.errors.read + r.errors.write + r.errors.timeout + r.errors.status };
  } finally {
    await service.stop();
  }
}

/** Runs `rounds` rounds of each available setup; `skipped` gets the others, with why. */
export async function runReloadsBench(rounds: number, o: ReloadOptions = RELOAD_DEFAULTS, log: (line: string) => void = () => {}): Promise<{ rounds: ReloadRound[]; skipped: Map<string, string> }> {
  const tmp = mkdtempSync(join(tmpdir(), 'portplex-reloads-'));
  const skipped = new Map<string, string>();
  const out: ReloadRound[] = [];
  try {
    const setups = RELOAD_SETUPS.filter((s) => {
      const why = s.unavailable();
      if (why) skipped.set(s.name, why);
      return why === null;
    });
    for (let r = 0; r < rounds; r++) {
      for (const s of r % 2 === 0 ? setups : [...setups].reverse()) {
        const round = await runReloadRound(s, tmp, o);
        log(`keep-alive reloads, round ${r + 1}/${rounds}: ${s.name} ${round.failed} failed in ${round.reloads} reloads (${round.requests} requests)`);
        out.push(round);
      }
    }
    return { rounds: out, skipped };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function reloadsMarkdown(rounds: readonly ReloadRound[], skipped: ReadonlyMap<string, string>, o: ReloadOptions = RELOAD_DEFAULTS): string {
  const names = [...new Set(rounds.map((r) => r.setup))];
  const sum = (rs: ReloadRound[], f: (r: ReloadRound) => number): number => rs.reduce((n, r) => n + f(r), 0);
  return [
    `wrk with ${o.connections} keep-alive connections over ${o.workers} workers; ${o.reloads} rolling reloads per round, ${o.everyMs / 1000} s apart.`,
    '',
    '| setup | failed requests per reload | failed / reloads / requests, all rounds |',
    '|---|---|---|',
    ...names.map((name) => {
      const rs = rounds.filter((r) => r.setup === name);
      const failed = sum(rs, (r) => r.failed);
      const reloads = sum(rs, (r) => r.reloads);
      return `| ${name} | ${reloads > 0 ? (failed / reloads).toFixed(2) : '-'} | ${failed} / ${reloads} / ${sum(rs, (r) => r.requests)} |`;
    }),
    ...[...skipped].map(([name, why]) => `| ${name} | skipped: ${why} | |`),
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '1' }, reloads: { type: 'string' } } });
  const o = { ...RELOAD_DEFAULTS, reloads: Number(values.reloads ?? RELOAD_DEFAULTS.reloads) };
  const { rounds, skipped } = await runReloadsBench(Number(values.rounds), o, (l) => process.stderr.write(`${l}\n`));
  process.stdout.write(reloadsMarkdown(rounds, skipped, o));
}
