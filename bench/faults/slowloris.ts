// Slow clients: S connections send a request head one byte per second and never finish it,
// while N normal clients make requests (a new connection each). Every server runs under a
// 1024-descriptor limit, so S near 1024 is what a small botnet, or one patient client, does.
import { dripSlowly, normalLoad, openMany, quantile, type Failure } from './clients.js';
import { alive, scrapeReasons, startCluster, startHaproxy, startPortplex, Unsupported, type FaultServer, type ServerOptions } from './servers.js';

export interface SlowlorisOptions {
  slow: number;
  normal: number;
  durationMs: number;
  dripMs: number;
  nofile: number;
  /** portplex's --max-prereading value, and HAProxy's maxconn. */
  maxPrereading: number;
  maxconn: number;
  timeoutMs: number;
}

export interface SlowlorisRow {
  setup: string;
  round: number;
  /** Why it did not run ("not supported": a flag this build lacks), else null. */
  skipped: string | null;
  slowOpened: number;
  slowClosedByServer: number;
  ok: number;
  failed: number;
  failures: Record<Failure, number>;
  p50: number | null;
  p99: number | null;
  masterAlive: boolean;
  /** portplex's drops and unparsable heads by reason, from /metrics; empty for the others. */
  reasons: Record<string, number>;
}

type Starter = (o: ServerOptions) => Promise<FaultServer>;

export function slowlorisSetups(o: SlowlorisOptions): Array<[string, Starter]> {
  return [
    ['cluster-rr', (so) => startCluster('slow-cluster', so)],
    ['portplex --preread http', (so) => startPortplex('slow-preread', ['--preread', 'http'], so)],
    [`portplex --preread http --max-prereading ${o.maxPrereading}`, (so) => startPortplex('slow-capped', ['--preread', 'http', '--max-prereading', String(o.maxPrereading)], so)],
    [`haproxy maxconn ${o.maxconn}`, (so) => startHaproxy('slow-haproxy', o.maxconn, so)],
  ];
}

export async function slowlorisTrial(setup: string, startServer: Starter, o: SlowlorisOptions, tmp: string, round = 1): Promise<SlowlorisRow> {
  const row: SlowlorisRow = { setup, round, skipped: null, slowOpened: 0, slowClosedByServer: 0, ok: 0, failed: 0, failures: { refused: 0, reset: 0, timeout: 0 }, p50: null, p99: null, masterAlive: false, reasons: {} };
  let server: FaultServer;
  try {
    server = await startServer({ tmp, workers: 2, nofile: o.nofile });
  } catch (err) {
    if (err instanceof Unsupported) return { ...row, skipped: `not supported (${err.message})` };
    throw err;
  }
  try {
    const held = await openMany(server.port, o.slow, 100);
    const stopDrip = dripSlowly(held, o.dripMs);
    try {
      const load = await normalLoad(server.port, o.normal, o.durationMs, o.timeoutMs);
      row.ok = load.ok;
      row.failed = load.failed;
      row.failures = load.failures;
      row.p50 = quantile(load.latencies, 0.5);
      row.p99 = quantile(load.latencies, 0.99);
    } finally {
      stopDrip();
    }
    row.slowOpened = held.opened;
    row.slowClosedByServer = held.closedByPeer();
    row.masterAlive = alive(server.proc.pid);
    if (server.metricsPort !== null && row.masterAlive) row.reasons = await scrapeReasons(server.metricsPort).catch(() => ({}));
    held.destroy();
  } finally {
    await server.stop();
  }
  return row;
}
