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

    // Keep-alive: a master out of the data path spends nothing per request; HAProxy relays every byte.
    // (The serving processes' CPU per request is not shown: they use what the two cores leave them,
    // so it only mirrors req/s.)
    const keepAlive = await charged(running, () => runWrk({ ...wrk, seconds: opts.seconds }));
    result.raw.keepAlive = keepAlive.result;
    f.keepAliveRps = keepAlive.result.requestsPerSec;
    f.keepAliveP50 = keepAlive.result.latency.p50;
    f.keepAliveP99 = keepAlive.result.latency.p99;
    f.keepAliveMasterCpuUsPerReq = perRequest(keepAlive.master, keepAlive.result.requests);

    // One request per connection: every request is a connection the master accepts and hands over.
    // The serving processes too: a hand-over costs the receiving side as well as the master.
    const newConn = await charged(running, () => runWrk({ ...wrk, seconds: opts.seconds, headers: ['Connection: close'] }));
    result.raw.newConn = newConn.result;
    f.newConnRps = newConn.result.requestsPerSec;
    f.newConnP50 = newConn.result.latency.p50;
    f.newConnP99 = newConn.result.latency.p99;
    if (newConn.master !== null) result.raw.masterCpuSeconds = newConn.master;
    f.masterCpuUsPerConn = perRequest(newConn.master, newConn.result.requests);
    f.serversCpuUsPerConn = perRequest(newConn.serving, newConn.result.requests);
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    await running.stop();
  }
  return result;
}

/** A workload's result with the CPU seconds the master and the serving processes spent during it (null: none, or unreadable). */
export interface Charged<T> {
  result: T;
  master: number | null;
  serving: number | null;
}

export async function charged<T>(running: Running, work: () => Promise<T>): Promise<Charged<T>> {
  // Read once: a worker replaced during the run would otherwise be charged from zero.
  const serving = running.servingPids();
  const masterBefore = running.masterPid === null ? null : cpuSeconds(running.masterPid);
  const servingBefore = cpuSecondsOf(serving);
  const result = await work();
  const masterAfter = running.masterPid === null ? null : cpuSeconds(running.masterPid);
  const servingAfter = cpuSecondsOf(serving);
  return {
    result,
    master: masterBefore !== null && masterAfter !== null ? masterAfter - masterBefore : null,
    serving: servingBefore !== null && servingAfter !== null ? servingAfter - servingBefore : null,
  };
}

/** µs of CPU per request, or null when the CPU could not be read or nothing was served. */
export function perRequest(cpuSeconds: number | null, requests: number): number | null {
  return cpuSeconds === null || requests <= 0 ? null : (cpuSeconds * 1e6) / requests;
}
