// One setup in one round: start it, run the long-lived, keep-alive and new-connection workloads, stop it.
import { runBalance } from './balance.js';
import { cpuSeconds, cpuSecondsOf } from './cpu.js';
import { emptyFigures, type SetupRound } from './metrics.js';
import type { Options } from './options.js';
import type { Running, Setup, SetupContext } from './setups.js';
import { runWrk } from './wrk.js';

/** Runs every workload against `setup`; a failure is recorded in the result, never thrown. */
export async function measureSetup(setup: Setup, ctx: SetupContext, opts: Options, round: number): Promise<SetupRound> {
  const result: SetupRound = { setup: setup.name, round, figures: emptyFigures(), raw: {} };
  let running: Running;
  try {
    running = await setup.start(ctx);
  } catch (err) {
    result.error = `start: ${(err as Error).message}`;
    return result;
  }
  const f = result.figures;
  try {
    // The long-lived workload first: it also warms up the accept and hand-over paths, which
    // keep-alive load alone would not.
    if (running.processes > 1) {
      const balance = await runBalance({
        port: running.port,
        processes: running.processes,
        connections: opts.balanceConnections,
        seconds: opts.balanceSeconds,
        seed: round + 1,
      });
      result.raw.balance = balance;
      f.balance = balance.maxOverMean;
    }

    const url = `http://127.0.0.1:${running.port}/`;
    const wrk = { url, threads: opts.threads, connections: opts.connections };
    if (opts.warmup > 0) await runWrk({ ...wrk, seconds: opts.warmup });

    const keepAlive = await runWrk({ ...wrk, seconds: opts.seconds });
    result.raw.keepAlive = keepAlive;
    f.keepAliveRps = keepAlive.requestsPerSec;
    f.keepAliveP50 = keepAlive.latency.p50;
    f.keepAliveP99 = keepAlive.latency.p99;

    // One request per connection: every request is a connection the master accepts and hands over.
    // The serving processes too: a hand-over costs the receiving side as well as the master.
    const serving = running.servingPids();
    const before = running.masterPid === null ? null : cpuSeconds(running.masterPid);
    const servingBefore = cpuSecondsOf(serving);
    const newConn = await runWrk({ ...wrk, seconds: opts.seconds, headers: ['Connection: close'] });
    const after = running.masterPid === null ? null : cpuSeconds(running.masterPid);
    const servingAfter = cpuSecondsOf(serving);
    result.raw.newConn = newConn;
    f.newConnRps = newConn.requestsPerSec;
    f.newConnP50 = newConn.latency.p50;
    f.newConnP99 = newConn.latency.p99;
    if (before !== null && after !== null && newConn.requests > 0) {
      result.raw.masterCpuSeconds = after - before;
      f.masterCpuUsPerConn = ((after - before) * 1e6) / newConn.requests;
    }
    if (servingBefore !== null && servingAfter !== null && newConn.requests > 0) {
      f.serversCpuUsPerConn = ((servingAfter - servingBefore) * 1e6) / newConn.requests;
    }
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    await running.stop();
  }
  return result;
}
