// Balance quality under long-lived connections with skewed lifetimes: a fixed number of client
// slots, each opening a connection, learning which process serves it (GET /pid), holding it for
// a skewed lifetime, closing it and opening the next. Sampled open connections per process give
// max/mean. The client decides what each connection hit, so every setup is measured the same way.
import net from 'node:net';
import { DEFAULT_SKEW, lifetimes, seededRandom, type SkewOptions } from './skew.js';
import { maxOverMean, median } from './stats.js';

export interface BalanceOptions {
  port: number;
  /** Processes behind the port; a process with no connection counts as 0. */
  processes: number;
  /** Client slots: connections open at once (less the ones being opened). */
  connections: number;
  seconds: number;
  sampleMs?: number;
  seed?: number;
  skew?: SkewOptions;
}

export interface BalanceResult {
  /** Mean of the sampled max/mean, after the first quarter of the run (the ramp-up). */
  maxOverMean: number | null;
  medianMaxOverMean: number | null;
  worstMaxOverMean: number | null;
  samples: number;
  connectionsOpened: number;
  errors: number;
}

const REQUEST = 'GET /pid HTTP/1.1\r\nHost: bench\r\n\r\n';

/** Connects, asks GET /pid, resolves with the socket and the pid that answered. */
function openOne(port: number): Promise<{ socket: net.Socket; pid: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = '';
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setEncoding('utf8');
    socket.setTimeout(5000, () => fail(new Error('no answer within 5 s')));
    socket.once('error', fail);
    socket.once('close', () => fail(new Error('closed before answering')));
    socket.once('connect', () => socket.write(REQUEST));
    const onData = (d: string): void => {
      buf += d;
      const head = buf.indexOf('\r\n\r\n');
      const end = head >= 0 ? buf.indexOf('\n', head + 4) : -1;
      if (end < 0) return;
      socket.off('data', onData);
      socket.removeAllListeners('close');
      socket.removeAllListeners('error');
      socket.removeAllListeners('timeout');
      socket.setTimeout(0);
      socket.on('error', () => {});
      resolve({ socket, pid: buf.slice(head + 4, end).trim() });
    };
    socket.on('data', onData);
  });
}

/** Summarises sampled max/mean values, dropping the first `skip` (the ramp-up). */
export function summariseSamples(values: ReadonlyArray<number | null>, skip: number): Pick<BalanceResult, 'maxOverMean' | 'medianMaxOverMean' | 'worstMaxOverMean' | 'samples'> {
  const kept = values.slice(skip).filter((v): v is number => v !== null);
  if (kept.length === 0) return { maxOverMean: null, medianMaxOverMean: null, worstMaxOverMean: null, samples: 0 };
  return {
    maxOverMean: kept.reduce((a, b) => a + b, 0) / kept.length,
    medianMaxOverMean: median(kept),
    worstMaxOverMean: Math.max(...kept),
    samples: kept.length,
  };
}

/** Runs the skewed long-lived workload against one setup. */
export async function runBalance(opts: BalanceOptions): Promise<BalanceResult> {
  const sampleMs = opts.sampleMs ?? 50;
  const seed = opts.seed ?? 1;
  const end = Date.now() + opts.seconds * 1000;
  const open = new Map<net.Socket, string>();
  let opened = 0;
  let errors = 0;
  const samples: Array<number | null> = [];
  const sampler = setInterval(() => {
    const perPid = new Map<string, number>();
    for (const pid of open.values()) perPid.set(pid, (perPid.get(pid) ?? 0) + 1);
    samples.push(maxOverMean([...perPid.values()], Math.max(opts.processes, perPid.size)));
  }, sampleMs);
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  const slot = async (i: number): Promise<void> => {
    const random = seededRandom(seed * 7919 + i);
    const lifetime = lifetimes(random, opts.skew ?? DEFAULT_SKEW);
    // Staggered first arrivals, so the run does not start with one burst.
    await sleep(random() * 200);
    while (Date.now() < end) {
      const hold = lifetime();
      let conn: { socket: net.Socket; pid: string };
      try {
        conn = await openOne(opts.port);
      } catch {
        errors++;
        await sleep(20);
        continue;
      }
      opened++;
      open.set(conn.socket, conn.pid);
      conn.socket.once('close', () => open.delete(conn.socket));
      await sleep(Math.max(0, Math.min(hold, end - Date.now())));
      open.delete(conn.socket);
      conn.socket.destroy();
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.connections }, (_, i) => slot(i)));
  } finally {
    clearInterval(sampler);
    for (const s of open.keys()) s.destroy();
  }
  return { ...summariseSamples(samples, Math.floor(samples.length / 4)), connectionsOpened: opened, errors };
}
