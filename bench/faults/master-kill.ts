// SIGKILL of the master with connections in flight: kept-alive connections open in the workers
// and normal clients making requests. What the clients see (requests failed after the kill, held
// connections closed), and whether the workers exit by themselves (orphans otherwise).
import { normalLoad, openMany, type Failure } from './clients.js';
import { alive, startCluster, startPortplex, type FaultServer, type ServerOptions } from './servers.js';

export interface MasterKillOptions {
  held: number;
  normal: number;
  /** Load before the kill and after it, ms. */
  beforeMs: number;
  afterMs: number;
  /** How long the workers get to exit, ms. */
  orphanWaitMs: number;
}

export interface MasterKillRow {
  setup: string;
  held: number;
  /** Requests answered before the kill, and failed from the kill on. */
  okBefore: number;
  failedAfter: number;
  /** Why: refused (after the kill nothing listens), reset (in flight), timeout. */
  failuresAfter: Record<Failure, number>;
  okAfter: number;
  heldClosed: number;
  workers: number;
  /** Workers still alive `orphanWaitMs` after the kill. */
  orphans: number;
  /** ms from the kill until the last worker was gone, null if some never went. */
  workersGoneMs: number | null;
}

export const MASTER_KILL_SETUPS: ReadonlyArray<[string, (o: ServerOptions) => Promise<FaultServer>]> = [
  ['cluster-rr', (o) => startCluster('kill-cluster', o)],
  ['portplex', (o) => startPortplex('kill-dispatch', [], o)],
  ['portplex --preread http', (o) => startPortplex('kill-preread', ['--preread', 'http'], o)],
];

const REQUEST = Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'latin1');

export async function masterKillTrial(setup: string, startServer: (o: ServerOptions) => Promise<FaultServer>, o: MasterKillOptions, tmp: string): Promise<MasterKillRow> {
  const server = await startServer({ tmp, workers: 2 });
  const workers = server.servingPids();
  try {
    const held = await openMany(server.port, o.held, 64, (s) => s.write(REQUEST));
    const before = await normalLoad(server.port, o.normal, o.beforeMs, 2000);
    const after = normalLoad(server.port, o.normal, o.afterMs, 2000);
    const killedAt = performance.now();
    process.kill(server.proc.pid, 'SIGKILL');
    // Watched while the clients go on: the time until the last worker is gone.
    const gone = (async (): Promise<number | null> => {
      const until = killedAt + o.orphanWaitMs;
      while (performance.now() < until) {
        if (!workers.some(alive)) return performance.now() - killedAt;
        await new Promise((r) => setTimeout(r, 20));
      }
      return null;
    })();
    const load = await after;
    const goneMs = await gone;
    // Let the clients see the closes of the last worker's connections.
    await new Promise((r) => setTimeout(r, 500));
    const orphans = workers.filter(alive);
    const row: MasterKillRow = {
      setup,
      held: held.opened,
      okBefore: before.ok,
      failedAfter: load.failed,
      failuresAfter: load.failures,
      okAfter: load.ok,
      heldClosed: held.closedByPeer(),
      workers: workers.length,
      orphans: orphans.length,
      workersGoneMs: goneMs,
    };
    held.destroy();
    // Orphans are this run's children's children: end them so they do not outlive the bench.
    for (const pid of orphans) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    return row;
  } finally {
    await server.stop();
  }
}
