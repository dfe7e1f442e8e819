// Command-line options of `npm run bench`, with the quick and full profiles in one table.
import { parseArgs } from 'node:util';

export interface Options {
  quick: boolean;
  /** Rounds over every setup; each figure is the median over rounds. */
  rounds: number;
  /** Pairs of alternating runs per two-setup target (pairs.ts); 0 skips them. */
  pairs: number;
  /** wrk duration of each measured HTTP workload, s, after `warmup` s of keep-alive load. */
  seconds: number;
  warmup: number;
  threads: number;
  /** wrk connections, for keep-alive and new-connection workloads alike. */
  connections: number;
  /** Long-lived workload: client slots and duration, s. */
  balanceConnections: number;
  balanceSeconds: number;
  workers: number;
  /** Only these setups (names), or all. */
  setups: string[] | null;
  micro: boolean;
  /** UDP datagrams through portplex against one process on the port. */
  udp: boolean;
  /** The blocked-worker workload (bench/blocked.ts). */
  blocked: boolean;
  /** The worker-kill workload (bench/kills.ts). */
  kills: boolean;
  /** The uneven-work tail-latency workload (bench/tail.ts), new connections and kept alive. */
  tail: boolean;
  /** The keep-alive reload workload (bench/reloads.ts). */
  reloads: boolean;
  /** The lifecycle workload (bench/lifecycle.ts): failed requests per stop, reload, upgrade, scale, recycle, crash. */
  lifecycle: boolean;
  /** The fault campaign (bench/faults.ts): slow clients, garbage, descriptor limits, a killed master, idle connections across a reload, parser fuzz. */
  faults: boolean;
  /** The setup rounds (throughput, latency, balance, CPU per connection, paired runs); off when --only leaves them out. */
  setupRounds: boolean;
  /** Time per balancer micro-benchmark case, ms; table runs (each 1M records). */
  pickMs: number;
  tableRuns: number;
  tableRecords: number;
  /** Connections per way and round of the master-floor micro-benchmark. */
  floorConnections: number;
  out: string;
}

/** The parts --only can select, by name; 'setups' is the setup rounds with their paired runs. */
export const PARTS = ['setups', 'micro', 'udp', 'blocked', 'tail', 'kills', 'reloads', 'lifecycle', 'faults'] as const;
export type Part = typeof PARTS[number];

/** The two profiles; flags override either. */
export const PROFILES = {
  quick: { rounds: 2, seconds: 2, warmup: 0, balanceSeconds: 1, pickMs: 200, tableRuns: 1, pairs: 0, floorConnections: 5000 },
  full: { rounds: 3, seconds: 5, warmup: 1, balanceSeconds: 5, pickMs: 500, tableRuns: 3, pairs: 9, floorConnections: 20000 },
} as const;

export const USAGE = `usage: npm run bench -- [options]
  --quick                 short run: 2 rounds of 2 s, no pairs, shorter micro-benchmarks (under 2 minutes)
  --rounds <n>            rounds over all setups, alternating their order; medians are reported
  --pairs <n>             then, for each target comparing two setups, n pairs of alternating
                          runs of just those two (2 s each; 0 skips them; 9 in full runs, 0 in
                          --quick); the targets are judged on their median ratio, with a 95%
                          interval from 6 pairs up; two copies of cluster-none are paired the
                          same way, to show the run's noise
  --duration <s>          seconds per wrk workload (whole seconds)
  --warmup <s>            seconds of keep-alive load before the measured wrk runs (whole seconds;
                          the long-lived workload runs before them in any case)
  --connections <n>       wrk connections (default 50)
  --threads <n>           wrk threads (default 1)
  --balance-connections <n>  long-lived client connections (default 100)
  --balance-duration <s>  seconds of the long-lived workload
  --workers <n>           processes per setup (default 2)
  --setups <a,b,...>      only these setups (names as in the report)
  --no-micro              skip the micro-benchmarks (balancers, table, IPC, master floor)
  --no-udp                skip the UDP datagram benchmark
  --no-blocked            skip the blocked-worker workload (one request blocks a worker, many
                          new-connection clients go on)
  --no-tail               skip the uneven-work tail-latency workload (2% of requests burn 20 ms,
                          open-loop client; new connections and kept alive)
  --no-kills              skip the worker-kill workload (a random worker SIGKILLed every 2 s under
                          new-connection load)
  --no-reloads            skip the keep-alive reload workload (5 rolling reloads under keep-alive
                          load; beside PM2 when pm2 is installed)
  --no-lifecycle          skip the lifecycle workload (failed requests per SIGTERM, reload, upgrade,
                          scale-down, recycle and crash, new connections and kept alive; beside
                          Node's cluster and PM2, which is installed for the run when not on PATH)
  --no-faults             skip the fault campaign (slow clients, garbage bytes, descriptor limits,
                          a SIGKILLed master, idle connections across a reload, parser fuzz)
  --only <a,b,...>        only these parts: ${PARTS.join(', ')}
                          (e.g. --only faults); --no-<part> still applies
  --out <file>            JSON results (default bench/results/latest.json)
  -h, --help`;

/** Parses argv (without node and the script); throws with a message naming a bad value. */
export function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      pairs: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      threads: { type: 'string' },
      'balance-connections': { type: 'string' },
      'balance-duration': { type: 'string' },
      workers: { type: 'string' },
      setups: { type: 'string' },
      'no-micro': { type: 'boolean', default: false },
      'no-udp': { type: 'boolean', default: false },
      'no-blocked': { type: 'boolean', default: false },
      'no-kills': { type: 'boolean', default: false },
      'no-tail': { type: 'boolean', default: false },
      'no-reloads': { type: 'boolean', default: false },
      'no-lifecycle': { type: 'boolean', default: false },
      'no-faults': { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const profile = values.quick ? PROFILES.quick : PROFILES.full;
  const num = (name: string, raw: string | undefined, fallback: number, min: number, integer = true): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      throw new Error(`--${name}: expected ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(raw)}`);
    }
    return n;
  };
  const only = values.only === undefined ? null : parseParts(values.only);
  const part = (name: Part, skip: boolean | undefined): boolean => !skip && (only === null || only.includes(name));
  return {
    quick: values.quick,
    rounds: num('rounds', values.rounds, profile.rounds, 1),
    pairs: num('pairs', values.pairs, profile.pairs, 0),
    seconds: num('duration', values.duration, profile.seconds, 1),
    warmup: num('warmup', values.warmup, profile.warmup, 0),
    threads: num('threads', values.threads, 1, 1),
    connections: num('connections', values.connections, 50, 1),
    balanceConnections: num('balance-connections', values['balance-connections'], 100, 2),
    balanceSeconds: num('balance-duration', values['balance-duration'], profile.balanceSeconds, 1, false),
    workers: num('workers', values.workers, 2, 1),
    setups: values.setups ? values.setups.split(',').map((s) => s.trim()).filter(Boolean) : null,
    micro: part('micro', values['no-micro']),
    udp: part('udp', values['no-udp']),
    blocked: part('blocked', values['no-blocked']),
    kills: part('kills', values['no-kills']),
    tail: part('tail', values['no-tail']),
    reloads: part('reloads', values['no-reloads']),
    lifecycle: part('lifecycle', values['no-lifecycle']),
    faults: part('faults', values['no-faults']),
    setupRounds: part('setups', false),
    pickMs: profile.pickMs,
    tableRuns: profile.tableRuns,
    tableRecords: 1_000_000,
    floorConnections: profile.floorConnections,
    out: values.out ?? 'bench/results/latest.json',
  };
}

/** `--only`'s list: known part names, at least one. */
function parseParts(raw: string): Part[] {
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(PARTS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only: expected parts from ${PARTS.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return names as Part[];
}
