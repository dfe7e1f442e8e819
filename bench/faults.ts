// The fault campaign: how portplex, beside Node's cluster and HAProxy where they apply, takes slow
// clients, garbage bytes, descriptor exhaustion, a SIGKILLed master and many idle connections
// across a reload; and its three content parsers under seeded fuzz. Part of `npm run bench`
// (`--only faults` runs it alone), or:
//
//   node dist/bench/faults.js [--quick] [--rounds n] [--trials slowloris,garbage,emfile,master-kill,idle-reload,fuzz]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { failuresText } from './faults/clients.js';
import { median } from './stats.js';
import { EMFILE_SETUPS, emfileTrial, type EmfileOptions, type EmfileRow } from './faults/emfile.js';
import { FUZZ_PARSERS, fuzzParser, type FuzzRow } from './faults/fuzz.js';
import { GARBAGE_TARGETS, garbageTrial, type GarbageOptions, type GarbageRow } from './faults/garbage.js';
import { idleReloadTrial, type IdleReloadOptions, type IdleReloadRow } from './faults/idle-reload.js';
import { MASTER_KILL_SETUPS, masterKillTrial, type MasterKillOptions, type MasterKillRow } from './faults/master-kill.js';
import { slowlorisSetups, slowlorisTrial, type SlowlorisOptions, type SlowlorisRow } from './faults/slowloris.js';

export const TRIALS = ['slowloris', 'garbage', 'emfile', 'master-kill', 'idle-reload', 'fuzz'] as const;
export type Trial = typeof TRIALS[number];

export interface FaultOptions {
  trials: readonly Trial[];
  /** Rounds of the slow-client and descriptor trials (the ones whose figures move most with the machine), setup order alternating. */
  rounds: number;
  slowloris: SlowlorisOptions;
  garbage: GarbageOptions;
  emfile: EmfileOptions;
  masterKill: MasterKillOptions;
  idleReload: IdleReloadOptions;
  fuzzCases: number;
  seed: number;
}

export const FAULT_DEFAULTS: FaultOptions = {
  trials: TRIALS,
  rounds: 3,
  slowloris: { slow: 1000, normal: 8, durationMs: 8000, dripMs: 1000, nofile: 1024, maxPrereading: 256, maxconn: 500, timeoutMs: 2000 },
  garbage: { connections: 5000, concurrency: 64, waitMs: 3000, seed: 1 },
  emfile: { nofile: 256, connections: 600, holdMs: 2000, after: 20 },
  masterKill: { held: 200, normal: 8, beforeMs: 1000, afterMs: 2000, orphanWaitMs: 5000 },
  idleReload: { connections: 20000, concurrency: 200, perClient: 7000, graceMs: 10000, drainWaitMs: 25000 },
  fuzzCases: 1_000_000,
  seed: 1,
};

/** About 90 s: shorter loads, fewer connections and cases; the same trials. */
export const FAULT_QUICK: FaultOptions = {
  ...FAULT_DEFAULTS,
  rounds: 1,
  slowloris: { ...FAULT_DEFAULTS.slowloris, durationMs: 2500 },
  garbage: { ...FAULT_DEFAULTS.garbage, connections: 1000 },
  emfile: { ...FAULT_DEFAULTS.emfile, holdMs: 1000, after: 10 },
  masterKill: { ...FAULT_DEFAULTS.masterKill, afterMs: 1500, orphanWaitMs: 3000 },
  idleReload: { ...FAULT_DEFAULTS.idleReload, connections: 2000 },
  fuzzCases: 100_000,
};

export interface FaultResults {
  options: FaultOptions;
  slowloris: SlowlorisRow[];
  garbage: GarbageRow[];
  emfile: EmfileRow[];
  masterKill: MasterKillRow[];
  idleReload: IdleReloadRow | null;
  fuzz: FuzzRow[];
  /** Trials that could not run, with why. */
  errors: string[];
  /** True when a trial could not run (its findings are figures, not failures). */
  failed: boolean;
}

const fmt = (n: number | null | undefined, digits = 0): string => (n === null || n === undefined ? '-' : n.toFixed(digits));
const yes = (b: boolean): string => (b ? 'yes' : '**no**');

/** A setup's answered requests over cluster's in the same round, null without a cluster figure. */
export function slowlorisRatio(r: SlowlorisRow, rows: readonly SlowlorisRow[]): number | null {
  const cluster = rows.find((x) => x.setup === 'cluster-rr' && x.round === r.round && !x.skipped);
  return cluster && cluster.ok > 0 && !r.skipped ? r.ok / cluster.ok : null;
}

export function slowlorisLine(r: SlowlorisRow, rows: readonly SlowlorisRow[]): string {
  if (r.skipped) return `| ${r.setup} | ${r.round} | ${r.skipped} | | | | | | | |`;
  const ratio = fmt(slowlorisRatio(r, rows), 2);
  return `| ${r.setup} | ${r.round} | ${r.slowOpened} / ${r.slowClosedByServer} | ${r.ok} | ${failuresText(r.failed, r.failures)} | ${ratio === '-' ? '-' : `${ratio} x`} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${yes(r.masterAlive)} | ${reasonsText(r.reasons)} |`;
}

export function reasonsText(reasons: Record<string, number>): string {
  const entries = Object.entries(reasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (entries.length === 0) return '-';
  const shown = entries.slice(0, 4).map(([k, v]) => `${k} ${v}`);
  const rest = entries.slice(4).reduce((n, [, v]) => n + v, 0);
  return [...shown, ...(rest > 0 ? [`${entries.length - 4} other reasons ${rest}`] : [])].join(', ');
}

export function garbageLine(r: GarbageRow, cluster: GarbageRow | undefined): string {
  const ratio = cluster ? `${(r.perSecond / cluster.perSecond).toFixed(2)} x` : '-';
  return `| ${r.listener} | ${r.setup} | ${r.connections} | ${fmt(r.perSecond)} | ${ratio} | ${r.heldOpen} | ${yes(r.masterAlive)} | ${yes(r.servesAfter)} | ${reasonsText(r.reasons)} |`;
}

export function emfileLine(r: EmfileRow, after: number): string {
  return `| ${r.setup} | ${r.round} | ${r.opened} | ${r.answered} | ${yes(r.masterAlive)} | ${r.workersSurvived} of ${r.workersBefore} (${r.workersAfter} serving at the end) | ${r.servedAfter} of ${after} |`;
}

export function masterKillLine(r: MasterKillRow): string {
  return `| ${r.setup} | ${r.held} + load | ${r.okBefore} | ${failuresText(r.failedAfter, r.failuresAfter)} / ${r.okAfter} | ${r.heldClosed} of ${r.held} | ${r.orphans} of ${r.workers} | ${r.workersGoneMs === null ? 'never' : `${fmt(r.workersGoneMs)} ms`} |`;
}

export function idleLine(r: IdleReloadRow): string {
  return `| ${r.opened} of ${r.connections} (${r.answered} answered) | ${fmt(r.openSeconds, 1)} s | ${fmt(r.masterRssPerConn)} B | ${r.reloadOk ? `${fmt(r.reloadSeconds, 1)} s` : '**failed**'} | ${r.stillOpen} / ${r.answeredAfter} | ${r.lost}${r.lost > 0 ? ` (closed first ${r.lostClosed}, no answer in 20 s ${r.lostTimedOut})` : ''} | ${r.drainedSeconds === null ? 'not within the wait' : `${fmt(r.drainedSeconds, 1)} s`} | ${r.closedIdle} |`;
}

export function fuzzLine(r: FuzzRow): string {
  const per = r.seconds > 0 ? r.cases / r.seconds : 0;
  const statuses = Object.entries(r.statuses).map(([k, v]) => `${k} ${v}`).join(', ');
  return `| ${r.parser} | ${r.cases} | ${fmt(r.seconds, 1)} s (${fmt(per / 1000)} k/s) | ${r.crashes}${r.hung ? ' (hang)' : ''} | ${r.contract} | ${fmt(r.slowestMs, 2)} ms | ${statuses} |`;
}

/** Per setup, the median of its answered / cluster over rounds, with the lowest and highest round. */
export function slowlorisSummary(rows: readonly SlowlorisRow[]): string[] {
  const setups = [...new Set(rows.filter((r) => r.setup !== 'cluster-rr' && !r.skipped).map((r) => r.setup))];
  const lines = setups.flatMap((setup) => {
    const ratios = rows.filter((r) => r.setup === setup).map((r) => slowlorisRatio(r, rows)).filter((x): x is number => x !== null);
    if (ratios.length < 2) return [];
    return [`- ${setup}: answered ${fmt(median(ratios), 2)} x cluster's, median of ${ratios.length} rounds (${fmt(Math.min(...ratios), 2)} to ${fmt(Math.max(...ratios), 2)})`];
  });
  return lines.length === 0 ? [] : [...lines, ''];
}

export function faultsMarkdown(f: FaultResults): string {
  const o = f.options;
  const out: string[] = [];
  if (f.slowloris.length > 0) {
    out.push(
      '### Slow clients',
      '',
      `${o.slowloris.slow} connections send a request head one byte per ${o.slowloris.dripMs / 1000} s and never finish it, while ${o.slowloris.normal} clients make requests (a new connection each, ${o.slowloris.timeoutMs / 1000} s timeout) for ${o.slowloris.durationMs / 1000} s; every server process under a ${o.slowloris.nofile}-descriptor limit, 2 workers.`,
      '',
      '| setup | round | slow opened / closed by server | normal answered | normal failed | answered / cluster, same round | p50 ms | p99 ms | master alive | portplex drops by reason |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...[...f.slowloris].sort((a, b) => (a.setup < b.setup ? -1 : a.setup > b.setup ? 1 : a.round - b.round)).map((r) => slowlorisLine(r, f.slowloris)),
      '',
      ...slowlorisSummary(f.slowloris),
    );
  }
  if (f.garbage.length > 0) {
    const cluster = f.garbage.find((r) => r.setup === 'cluster-rr');
    out.push(
      '### Garbage bytes',
      '',
      `${o.garbage.connections} connections per listener, ${o.garbage.concurrency} at a time; each writes up to 1 KiB (1 in 8 random bytes, else a valid header of the protocol with 1-4 mutations; seed ${o.garbage.seed}), half-closes and waits up to ${o.garbage.waitMs / 1000} s for the server to close. Reasons from portplex's /metrics (dropped connections and unparsable heads).`,
      '',
      '| listener | setup | connections | handled/s | / cluster | held open | master alive | serves after | counts by reason |',
      '|---|---|---|---|---|---|---|---|---|',
      ...f.garbage.map((r) => garbageLine(r, cluster)),
      '',
    );
  }
  if (f.emfile.length > 0) {
    out.push(
      '### Descriptor exhaustion',
      '',
      `Master and workers (or cluster's primary and workers) under a ${o.emfile.nofile}-descriptor limit; ${o.emfile.connections} keep-alive connections, each with one request, held ${o.emfile.holdMs / 1000} s, then closed; then ${o.emfile.after} requests one after another.`,
      '',
      '| setup | round | opened | answered | master alive | workers of the start alive | served after |',
      '|---|---|---|---|---|---|---|',
      ...[...f.emfile].sort((a, b) => (a.setup < b.setup ? -1 : a.setup > b.setup ? 1 : a.round - b.round)).map((r) => emfileLine(r, o.emfile.after)),
      '',
    );
  }
  if (f.masterKill.length > 0) {
    out.push(
      '### SIGKILL of the master',
      '',
      `${o.masterKill.held} kept-alive connections open in the workers and ${o.masterKill.normal} clients making requests; the master (cluster's primary) gets SIGKILL; the clients go on for ${o.masterKill.afterMs / 1000} s; the workers get ${o.masterKill.orphanWaitMs / 1000} s to exit.`,
      '',
      '| setup | in flight | answered before | after the kill: failed / answered | held connections closed | orphan workers | workers gone after |',
      '|---|---|---|---|---|---|---|',
      ...f.masterKill.map(masterKillLine),
      '',
    );
  }
  if (f.idleReload) {
    out.push(
      '### Idle connections across a reload',
      '',
      `${o.idleReload.connections} connections, each makes one keep-alive request and stays idle; then \`portplex reload\` (2 workers, --grace ${o.idleReload.graceMs}${o.idleReload.graceMs === 10000 ? ', the default' : ''}). When the command returns (new workers ready, old ones draining), every connection sends a second request: lost is one without an answer. The old workers close their connections by the end of their drain; a close after an answer is how a kept-alive connection ends, not a loss.`,
      '',
      '| connections open | time to open | master RSS per connection | reload command | open / answered after it | lost | old workers gone after | closed by the server |',
      '|---|---|---|---|---|---|---|---|',
      idleLine(f.idleReload),
      '',
    );
  }
  if (f.fuzz.length > 0) {
    out.push(
      '### Parser fuzz',
      '',
      `Each parser fed seeded inputs (seed ${o.seed}; 1 in 8 random bytes, else a valid sample with 1-4 mutations: bit flips, parser-significant bytes, inserts, deletes, truncation, repeated runs, splices, extreme 16-bit lengths) in a worker thread. A throw, or no progress for 15 s, is a crash; "contract" counts results outside the parser's contract (unknown status or reason, consumed beyond the input).`,
      '',
      '| parser | cases | time | crashes | contract | slowest case | results |',
      '|---|---|---|---|---|---|---|',
      ...f.fuzz.map(fuzzLine),
      '',
      ...f.fuzz.flatMap((r) => r.examples.map((e) => `- ${r.parser}: ${e}`)),
    );
  }
  if (f.errors.length > 0) out.push('', 'Trials that could not run:', '', ...f.errors.map((e) => `- ${e}`), '');
  return `${out.join('\n')}\n`;
}

/** Runs the chosen trials one after another; a trial that throws is recorded, the rest go on. */
export async function runFaultsBench(o: FaultOptions, log: (line: string) => void = () => {}): Promise<FaultResults> {
  const tmp = mkdtempSync(join(tmpdir(), 'portplex-faults-'));
  const r: FaultResults = { options: o, slowloris: [], garbage: [], emfile: [], masterKill: [], idleReload: null, fuzz: [], errors: [], failed: false };
  const attempt = async (name: string, f: () => Promise<void>): Promise<void> => {
    const t0 = Date.now();
    try {
      await f();
    } catch (err) {
      r.errors.push(`${name}: ${((err as Error).message ?? String(err)).split('\n')[0]}`);
      log(`faults: ${name} could not run: ${(err as Error).stack ?? String(err)}`);
    }
    log(`faults: ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };
  try {
    for (let round = 1; o.trials.includes('slowloris') && round <= o.rounds; round++) {
      // Alternate the order, so that a drifting machine does not favour the setups that run first.
      const setups = slowlorisSetups(o.slowloris);
      for (const [setup, startServer] of round % 2 === 1 ? setups : setups.reverse()) {
        await attempt(`slowloris ${setup} round ${round}`, async () => {
          const row = await slowlorisTrial(setup, startServer, o.slowloris, tmp, round);
          r.slowloris.push(row);
          log(`faults: ${slowlorisLine(row, r.slowloris)}`);
        });
      }
    }
    if (o.trials.includes('garbage')) {
      for (const t of GARBAGE_TARGETS) {
        await attempt(`garbage ${t.listener}`, async () => {
          const row = await garbageTrial(t, o.garbage, tmp);
          r.garbage.push(row);
          log(`faults: ${garbageLine(row, r.garbage.find((x) => x.setup === 'cluster-rr'))}`);
        });
      }
    }
    for (let round = 1; o.trials.includes('emfile') && round <= o.rounds; round++) {
      for (const [setup, startServer] of round % 2 === 1 ? EMFILE_SETUPS : [...EMFILE_SETUPS].reverse()) {
        await attempt(`emfile ${setup} round ${round}`, async () => {
          const row = await emfileTrial(setup, startServer, o.emfile, tmp, round);
          r.emfile.push(row);
          log(`faults: ${emfileLine(row, o.emfile.after)}`);
        });
      }
    }
    if (o.trials.includes('master-kill')) {
      for (const [setup, startServer] of MASTER_KILL_SETUPS) {
        await attempt(`master-kill ${setup}`, async () => {
          const row = await masterKillTrial(setup, startServer, o.masterKill, tmp);
          r.masterKill.push(row);
          log(`faults: ${masterKillLine(row)}`);
        });
      }
    }
    if (o.trials.includes('idle-reload')) {
      await attempt('idle-reload', async () => {
        r.idleReload = await idleReloadTrial(o.idleReload, tmp);
        log(`faults: ${idleLine(r.idleReload)}`);
      });
    }
    if (o.trials.includes('fuzz')) {
      for (const parser of FUZZ_PARSERS) {
        await attempt(`fuzz ${parser}`, async () => {
          const row = await fuzzParser(parser, o.fuzzCases, o.seed);
          r.fuzz.push(row);
          log(`faults: ${fuzzLine(row)}`);
        });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  r.failed = r.errors.length > 0;
  return r;
}

/** `--trials`' list: known trial names, at least one. */
export function parseTrials(raw: string): Trial[] {
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(TRIALS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) throw new Error(`--trials: expected trials from ${TRIALS.join(', ')}, got ${JSON.stringify(raw)}`);
  return names as Trial[];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, trials: { type: 'string' }, rounds: { type: 'string' } } });
  const base = values.quick ? FAULT_QUICK : FAULT_DEFAULTS;
  const o = { ...base, trials: values.trials ? parseTrials(values.trials) : base.trials, rounds: values.rounds ? Math.max(1, Number(values.rounds) || 1) : base.rounds };
  const results = await runFaultsBench(o, (l) => process.stderr.write(`${l}\n`));
  process.stdout.write(faultsMarkdown(results));
  process.exitCode = results.failed ? 1 : 0;
}
