// The clients of the fault trials: normal requests (a new connection each) with their latency,
// slow clients that never finish a head, and idle connections; all in this process.
import http from 'node:http';
import net from 'node:net';

/** Why a request failed: refused (nothing listening), reset or closed before an answer, timed out. */
export type Failure = 'refused' | 'reset' | 'timeout';

/** One GET / on a new connection: null when it answered 200 within `timeoutMs`, else why not; and how long it took. */
export function request(port: number, timeoutMs: number): Promise<{ failure: Failure | null; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (failure: Failure | null): void => {
      if (settled) return;
      settled = true;
      resolve({ failure, ms: performance.now() - t0 });
    };
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode === 200 ? null : 'reset'));
      res.on('error', () => done('reset'));
    });
    req.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
    // A deadline from the start, not req.setTimeout's idle timer, which waits for the connect:
    // a SYN to a full backlog is retried for minutes.
    const timer = setTimeout(() => {
      done('timeout');
      req.destroy();
    }, timeoutMs);
    req.on('close', () => clearTimeout(timer));
  });
}

export interface LoadResult {
  ok: number;
  failed: number;
  failures: Record<Failure, number>;
  /** Latencies of the answered requests, ms. */
  latencies: number[];
}

/** `clients` closed loops of `request` for `durationMs`. */
export async function normalLoad(port: number, clients: number, durationMs: number, timeoutMs: number): Promise<LoadResult> {
  const end = Date.now() + durationMs;
  const out: LoadResult = { ok: 0, failed: 0, failures: { refused: 0, reset: 0, timeout: 0 }, latencies: [] };
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < end) {
      const r = await request(port, timeoutMs);
      if (r.failure === null) {
        out.ok++;
        out.latencies.push(r.ms);
      } else {
        out.failed++;
        out.failures[r.failure]++;
        // A refused connection returns at once: do not spin.
        await new Promise((res) => setTimeout(res, 10));
      }
    }
  }));
  return out;
}

/** "12 (refused 10, timeout 2)": the total and its non-zero parts. */
export function failuresText(failed: number, f: Record<Failure, number>): string {
  const parts = (Object.entries(f) as Array<[Failure, number]>).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return parts.length === 0 ? String(failed) : `${failed} (${parts.join(', ')})`;
}

/** The value at quantile `q` (0-1) of `values`, nearest rank; null when empty. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Connections opened and held; `closedByPeer` counts those the server ended or reset. */
export interface Held {
  sockets: net.Socket[];
  opened: number;
  failed: number;
  closedByPeer(): number;
  destroy(): void;
}

/**
 * Opens `n` connections, `concurrency` connecting at a time, and holds them; `onOpen` may write.
 * A connection counts as opened at 'connect'.
 */
export async function openMany(port: number, n: number, concurrency: number, onOpen: (s: net.Socket) => void = () => {}): Promise<Held> {
  const sockets: net.Socket[] = [];
  let closed = 0;
  let failed = 0;
  let next = 0;
  let destroying = false;
  const one = (): Promise<void> => new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let connected = false;
    s.on('error', () => {});
    s.once('connect', () => {
      connected = true;
      sockets.push(s);
      // Flowing, so that the server's close is seen even when its answer is never read.
      s.resume();
      s.once('close', () => {
        if (!destroying) closed++;
      });
      onOpen(s);
      resolve();
    });
    s.once('close', () => {
      if (connected) return;
      failed++;
      resolve();
    });
    // Connects that do not complete (a full backlog) are given up, counted as failed.
    const timer = setTimeout(() => {
      if (!connected) s.destroy();
    }, 10000);
    s.once('close', () => clearTimeout(timer));
    s.once('connect', () => clearTimeout(timer));
  });
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) {
      next++;
      await one();
    }
  }));
  return {
    sockets,
    opened: sockets.length,
    failed,
    closedByPeer: () => closed,
    destroy: () => {
      destroying = true;
      for (const s of sockets) s.destroy();
    },
  };
}

/** A request head that never ends: one byte of it per tick, then spaces in a header value. */
export const SLOW_HEAD = Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'latin1');

/** Writes the next byte of SLOW_HEAD (then ' ') to each held socket every `everyMs`; returns a stop function. */
export function dripSlowly(held: Held, everyMs: number): () => void {
  let at = 0;
  const timer = setInterval(() => {
    const byte = at < SLOW_HEAD.length ? SLOW_HEAD.subarray(at, at + 1) : Buffer.from(' ');
    at++;
    for (const s of held.sockets) if (!s.destroyed) s.write(byte);
  }, everyMs);
  return () => clearInterval(timer);
}

/** A GET / after `prefix` on one connection: true when the answer is a 200. */
export function rawRequest(port: number, prefix: Buffer, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let got = '';
    s.on('error', () => resolve(false));
    s.once('connect', () => s.write(Buffer.concat([prefix, Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')])));
    s.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    const timer = setTimeout(() => s.destroy(), timeoutMs);
    s.once('close', () => {
      clearTimeout(timer);
      resolve(got.startsWith('HTTP/1.1 200'));
    });
  });
}
