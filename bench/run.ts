// `npm run bench`: every setup with the same application, process count and load generator,
// rounds alternating the setup order, then the micro-benchmarks; prints a markdown report and
// writes the JSON results. See `npm run bench -- --help`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { measureSetup } from './measure.js';
import type { SetupRound } from './metrics.js';
import { runMicro, type MicroResults } from './micro/run.js';
import { markdown as udpMarkdown, runUdpBench, type UdpBenchResult } from './udp.js';
import { TAIL_DEFAULTS, TAIL_QUICK_SETUPS, TAIL_SETUPS, runTailBench, summariseTail, tailMarkdown, type TailOptions, type TailRound } from './tail.js';
import { RELOAD_DEFAULTS, reloadsMarkdown, runReloadsBench, type ReloadRound } from './reloads.js';
import { KILL_DEFAULTS, KILL_SETUPS, killsMarkdown, runKillsBench, summariseKills, type KillRound } from './kills.js';
import { LIFECYCLE_DEFAULTS, LIFECYCLE_QUICK, lifecycleSection, runLifecycleBench, type LifecycleResults } from './lifecycle.js';
import { summariseLifecycle } from './lifecycle-report.js';
import { BLOCKED_DEFAULTS, BLOCKED_SETUPS, blockedMarkdown, runBlockedBench, summariseBlocked, type BlockedRound } from './blocked.js';
import { FAULT_DEFAULTS, FAULT_QUICK, faultsMarkdown, runFaultsBench, type FaultResults } from './faults.js';
import { PARTS, parseOptions, USAGE, type Part } from './options.js';
import { loadErrorNotes, microTables, renderMarkdown, type RunInfo } from './report.js';
import { allSetups, BASELINES, chooseSetups, ROOT } from './setups.js';
import { summarise } from './summary.js';
import { runPairs, type PairResult } from './pairs.js';
import { evaluateTargets, pairSpecs, TARGETS } from './targets.js';
import { WRK_INSTALL_HINT, wrkVersion } from './wrk.js';

/** Seconds per run in the paired phase: short, so that a pair's two runs see the same machine. */
const PAIR_SECONDS = 2;

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`bench: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const opts = parsed;
  const wrk = wrkVersion();
  // The fault campaign, UDP and the micro-benchmarks bring their own clients.
  const needsWrk = opts.setupRounds || opts.blocked || opts.tail || opts.kills || opts.reloads || opts.lifecycle;
  if (!wrk && needsWrk) {
    console.error(`bench: wrk not found on PATH. ${WRK_INSTALL_HINT}`);
    return 2;
  }
  const started = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), 'portplex-bench-'));
  // Also on Ctrl-C, which exits from the signal handler that kills the children.
  const removeTmp = (): void => rmSync(tmp, { recursive: true, force: true });
  process.on('exit', removeTmp);
  try {
    const ctx = { workers: opts.workers, tmp };
    const { run, skipped } = chooseSetups(allSetups(), opts, ctx);
    for (const [name, why] of skipped) log(`skipping ${name}: ${why}`);

    const rounds: SetupRound[] = [];
    for (let r = 0; opts.setupRounds && r < opts.rounds; r++) {
      // Alternate the order, so slow drift of a shared machine does not favour the setups that run first.
      const order = r % 2 === 0 ? run : [...run].reverse();
      for (const setup of order) {
        const t0 = Date.now();
        const result = await measureSetup(setup, ctx, opts, r);
        log(`round ${r + 1}/${opts.rounds}: ${setup.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${result.error ? ` failed: ${result.error}` : ''}`);
        rounds.push(result);
      }
    }

    let pairs: PairResult[] = [];
    if (opts.setupRounds && opts.pairs > 0) {
      const specs = pairSpecs(TARGETS, BASELINES.none).filter((p) => run.some((s) => s.name === p.a) && run.some((s) => s.name === p.b));
      log(`pairs: ${specs.length} comparisons, ${opts.pairs} pairs of alternating ${PAIR_SECONDS} s runs each`);
      pairs = await runPairs(specs, run, ctx, { pairs: opts.pairs, seconds: PAIR_SECONDS, threads: opts.threads, connections: opts.connections }, log);
    }

    let micro: MicroResults | null = null;
    if (opts.micro) {
      log('micro-benchmarks: balancers, connection table');
      micro = await runMicro(opts.pickMs, opts.tableRuns, opts.tableRecords, opts.floorConnections);
    }

    let udp: UdpBenchResult | null = null;
    if (opts.udp) {
      log('UDP: datagrams through portplex vs one process on the port');
      // Quick mode: one short round each, a smoke check that keeps the whole run under 2 minutes.
      udp = await runUdpBench(opts.quick ? { rounds: 1, durationMs: 1500 } : { rounds: opts.rounds });
    }

    let blocked: BlockedRound[] = [];
    if (opts.blocked) {
      log('blocked worker: one request blocks a worker, 16 new-connection clients go on');
      // Quick mode: one round, 3 workers, Node's round-robin against portplex's default.
      blocked = opts.quick
        ? await runBlockedBench([3], 1, ['cluster-rr', 'portplex-round-robin'], log)
        : await runBlockedBench([3, 4], opts.rounds, BLOCKED_SETUPS, log);
    }

    let tail: TailRound[] = [];
    let tailKept: TailRound[] = [];
    // Quick mode: 3 rounds of 4 s over four setups (ratios without intervals); full: 6 rounds, every balancer.
    const tailOptions: TailOptions = opts.quick ? { ...TAIL_DEFAULTS, seconds: 4 } : TAIL_DEFAULTS;
    const tailKeptOptions: TailOptions = { ...tailOptions, keepAlive: true };
    if (opts.tail) {
      log('uneven work: 2% of requests burn 20 ms; light requests\' latency, open loop');
      tail = await runTailBench(opts.quick ? 3 : Math.max(6, opts.rounds), opts.quick ? TAIL_QUICK_SETUPS : TAIL_SETUPS, tailOptions, log);
      const kept = ['cluster-rr', 'cluster-none', 'haproxy-leastconn', 'portplex-least-connections', 'portplex-round-robin'];
      tailKept = await runTailBench(opts.quick ? 1 : 3, opts.quick ? TAIL_QUICK_SETUPS : kept, tailKeptOptions, log);
    }

    let kills: KillRound[] = [];
    // Quick mode: 12 s of kills, one round.
    const killOptions = opts.quick ? { ...KILL_DEFAULTS, seconds: 12 } : KILL_DEFAULTS;
    if (opts.kills) {
      log('worker kills: a random worker SIGKILLed every 2 s under new-connection load');
      kills = await runKillsBench(opts.quick ? 1 : opts.rounds, KILL_SETUPS, killOptions, log);
    }

    let reloads: { rounds: ReloadRound[]; skipped: Map<string, string> } = { rounds: [], skipped: new Map() };
    if (opts.reloads) {
      log('keep-alive reloads: 5 rolling reloads under keep-alive load');
      reloads = await runReloadsBench(opts.quick ? 1 : opts.rounds, RELOAD_DEFAULTS, log);
    }

    let lifecycle: LifecycleResults | null = null;
    if (opts.lifecycle) {
      log('lifecycle: failed requests per stop, reload, upgrade, scale-down, recycle and crash, under load');
      // Quick mode: one event of each kind per session, shorter loads.
      lifecycle = await runLifecycleBench(opts.quick ? LIFECYCLE_QUICK : LIFECYCLE_DEFAULTS, {}, log);
    }

    let faults: FaultResults | null = null;
    if (opts.faults) {
      log('faults: slow clients, garbage bytes, descriptor limits, a killed master, idle connections across a reload, parser fuzz');
      faults = await runFaultsBench(opts.quick ? FAULT_QUICK : FAULT_DEFAULTS, log);
    }

    const baselines = [BASELINES.rr, BASELINES.none].filter((b) => run.some((s) => s.name === b));
    const summaries = summarise(rounds, run, baselines);
    const targets = evaluateTargets(TARGETS, rounds, micro, skipped, pairs);
    const info: RunInfo = {
      mode: opts.quick ? 'quick' : 'full',
      rounds: opts.rounds,
      workers: opts.workers,
      wrk: wrk ?? 'not used',
      wrkLoad: `${opts.threads} thread, ${opts.connections} connections, ${opts.seconds} s per workload after ${opts.warmup} s warm-up`,
      balanceLoad: `${opts.balanceConnections} connections for ${opts.balanceSeconds} s, lifetimes 80% exponential (mean 150 ms) + 20% Pareto (min 500 ms, alpha 1.2)`,
      node: process.version,
      cpus: availableParallelism(),
      elapsedSeconds: (Date.now() - started) / 1000,
    };
    // Without the setup rounds (--only), the report is the parts that ran, under a short header.
    const head = opts.setupRounds
      ? renderMarkdown(info, summaries, BASELINES, targets, micro, skipped, pairs, loadErrorNotes(rounds))
      : `## portplex benchmarks (${info.mode}: ${PARTS.filter((p): p is Exclude<Part, 'setups'> => p !== 'setups').filter((p) => opts[p]).join(', ')}; ${info.elapsedSeconds.toFixed(0)} s)\n\nNode ${info.node}, ${info.cpus} CPUs.\n${micro ? `\n### Micro-benchmarks\n\n${microTables(micro)}\n` : ''}`;
    const markdown = head +
      (udp ? `\n## UDP\n\n${udpMarkdown(udp)}\n` : '') +
      (blocked.length > 0 ? `\n## Blocked worker\n\n${blockedMarkdown(summariseBlocked(blocked), BLOCKED_DEFAULTS)}` : '') +
      (tail.length > 0 ? `\n## Uneven work: tail latency\n\n${tailMarkdown(summariseTail(tail), tailOptions)}\n### Kept-alive connections\n\n${tailMarkdown(summariseTail(tailKept), tailKeptOptions)}` : '') +
      (kills.length > 0 ? `\n## Worker kills\n\n${killsMarkdown(summariseKills(kills), killOptions)}` : '') +
      (reloads.rounds.length > 0 ? `\n## Keep-alive reloads\n\n${reloadsMarkdown(reloads.rounds, reloads.skipped)}` : '') +
      (lifecycle ? `\n## Lifecycle events under load\n\n${lifecycleSection(lifecycle)}` : '') +
      (faults ? `\n## Faults\n\n${faultsMarkdown(faults)}` : '');
    const out = resolve(ROOT, opts.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ info, options: opts, setups: run.map((s) => ({ name: s.name, label: s.label })), skipped: Object.fromEntries(skipped), summaries, targets, pairs, micro, udp, blocked: summariseBlocked(blocked), kills: summariseKills(kills), tail: summariseTail(tail), tailKeptAlive: summariseTail(tailKept), reloads: reloads.rounds, lifecycle: lifecycle ? { ...lifecycle, summary: summariseLifecycle(lifecycle.sessions) } : null, faults, rounds }, null, 2)}\n`);
    process.stdout.write(markdown);
    log(`results written to ${out}`);
    // A lifecycle session of portplex or cluster that could not run fails the run; PM2's (a tool installed for the run) does not.
    return rounds.some((r) => r.error) || (faults?.failed ?? false) || (lifecycle?.errors ?? []).some((e) => e.setup !== 'pm2') ? 1 : 0;
  } finally {
    removeTmp();
    process.off('exit', removeTmp);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
