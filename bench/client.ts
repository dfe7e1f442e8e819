// A small HTTP/1.1 client for the workloads wrk cannot give: each request's own latency, by the
// kind of request, with a new connection per request or a kept-alive one, as a closed loop
// (a fixed number of clients, each sending its next request when the last is answered) or an
// open loop (requests start at a fixed rate whatever the server does, so a slow answer cannot
// hold the load back: wrk2's point about coordinated omission).
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/** One request as the client saw it; times in ms from the run's start. */
export interface Sample {
  start: number;
  /** ms from start to the end of the answer; NaN when it failed. */
  ms: number;
  /** The request's kind, as the caller's path chooser said ('light', 'heavy', ...). */
  kind: string;
  ok: boolean;
  /** Why it failed: a socket error's code (ECONNREFUSED, ECONNRESET...), 'timeout', 'closed' (before a whole answer), or 'status <code>'. */
  error?: string;
}

export interface ClientOptions {
  port: number;
  /** ms the load lasts (requests started later are not sent). */
  durationMs: number;
  /** The path of request number i and its kind. */
  next(i: number): { path: string; kind: string };
  /** Closed loop: this many clients. */
  loops?: number;
  /** Open loop: requests started per second (instead of loops). */
  rate?: number;
  /** Open loop: at most this many requests in flight; later arrivals wait (and their wait counts). */
  maxInFlight?: number;
  /**
   * Reuse each connection for the next request. Open loop: this many kept-alive connections
   * (keepAliveConnections), request i on connection i mod that, in turn on each (a request
   * due while its connection is busy waits for it, as a browser's or a pool's would).
   */
  keepAlive?: boolean;
  keepAliveConnections?: number;
  /** Give up on a request after this many ms (counted as failed). */
  timeoutMs?: number;
  /**
   * Closed loop: once aborted, no client sends another request (whatever durationMs says);
   * the requests already sent are still awaited. A client that goes elsewhere.
   */
  stop?: AbortSignal;
}

/** The samples of a run, in the order their requests started; resolves once every request ended. */
export async function runClient(o: ClientOptions): Promise<Sample[]> {
  const t0 = performance.now();
  const samples: Sample[] = [];
  let n = 0;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const paths = new Map<Sample, string>();
  const begin = (at: number): Sample => {
    const { path, kind } = o.next(n++);
    const s: Sample = { start: at - t0, ms: Number.NaN, kind, ok: false };
    samples.push(s);
    paths.set(s, path);
    return s;
  };
  const finish = (s: Sample, failure: string | null): void => {
    s.ok = failure === null;
    s.ms = s.ok ? performance.now() - t0 - s.start : Number.NaN;
    if (failure !== null) s.error = failure;
  };
  if (o.rate === undefined) {
    const loops = o.loops ?? 16;
    await Promise.all(Array.from({ length: loops }, async () => {
      let conn: Connection | undefined;
      while (performance.now() - t0 < o.durationMs && o.stop?.aborted !== true) {
        const s = begin(performance.now());
        if (!o.keepAlive || conn === undefined || conn.closed) conn = new Connection(o.port, !o.keepAlive);
        finish(s, await conn.request(paths.get(s)!, timeoutMs));
        if (!o.keepAlive) conn = undefined;
      }
      conn?.close();
    }));
    return samples;
  }
  // Open loop: arrival i is due at t0 + i / rate, sent then (or as soon as a slot is free).
  const interval = 1000 / o.rate;
  if (o.keepAlive) return openKeepAlive(o, interval, t0, begin, finish, paths, timeoutMs);
  const max = o.maxInFlight ?? 1000;
  let inFlight = 0;
  const waiting: Sample[] = [];
  const pending: Array<Promise<void>> = [];
  const send = (s: Sample): void => {
    inFlight++;
    pending.push(new Connection(o.port, true).request(paths.get(s)!, timeoutMs).then((failure) => {
      finish(s, failure);
      inFlight--;
      const w = waiting.shift();
      if (w) send(w);
    }));
  };
  for (let i = 0; ; i++) {
    const due = i * interval;
    if (due >= o.durationMs) break;
    const wait = due - (performance.now() - t0);
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Its latency runs from when it was due, not from when the client got round to it.
    const s = begin(t0 + due);
    if (inFlight < max) send(s);
    else waiting.push(s);
  }
  while (waiting.length > 0 || inFlight > 0) await Promise.all(pending.splice(0));
  return samples;
}

/** The open loop over kept-alive connections: each carries its requests one at a time, in order. */
async function openKeepAlive(
  o: ClientOptions, interval: number, t0: number,
  begin: (at: number) => Sample, finish: (s: Sample, failure: string | null) => void,
  paths: Map<Sample, string>, timeoutMs: number,
): Promise<Sample[]> {
  const k = o.keepAliveConnections ?? 16;
  const conns: Array<Connection | undefined> = new Array(k);
  const queues: Sample[][] = Array.from({ length: k }, () => []);
  const busy: boolean[] = new Array(k).fill(false);
  const done: Array<Promise<void>> = [];
  const all: Sample[] = [];
  const pump = async (c: number): Promise<void> => {
    busy[c] = true;
    for (let s = queues[c]!.shift(); s !== undefined; s = queues[c]!.shift()) {
      let conn = conns[c];
      if (conn === undefined || conn.closed) conns[c] = conn = new Connection(o.port, false);
      finish(s, await conn.request(paths.get(s)!, timeoutMs));
    }
    busy[c] = false;
  };
  for (let i = 0; ; i++) {
    const due = i * interval;
    if (due >= o.durationMs) break;
    const wait = due - (performance.now() - t0);
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const s = begin(t0 + due);
    all.push(s);
    const c = i % k;
    queues[c]!.push(s);
    if (!busy[c]) done.push(pump(c));
  }
  await Promise.all(done);
  for (const c of conns) c?.close();
  return all;
}

/** One TCP connection carrying requests one at a time; a request resolves null when answered, else why it failed. */
class Connection {
  closed = false;
  private readonly socket: net.Socket;
  private buf = '';
  private waiter: ((failure: string | null) => void) | undefined;

  constructor(port: number, private readonly close1: boolean) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.setEncoding('latin1');
    this.socket.on('data', (d: string) => {
      this.buf += d;
      this.check();
    });
    // Closed from here on: its 'close' event comes a tick later, and the next request must not be sent on it.
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      this.closed = true;
      this.end(err.code ?? err.message);
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.end(this.close1 ? this.verdict() : 'closed');
    });
  }

  request(path: string, timeoutMs: number): Promise<string | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.closed = true;
        this.end('timeout');
        this.socket.destroy();
      }, timeoutMs);
      this.waiter = (failure) => {
        clearTimeout(timer);
        resolve(failure);
      };
      this.buf = '';
      this.socket.write(`GET ${path} HTTP/1.1\r\nHost: bench\r\n${this.close1 ? 'Connection: close\r\n' : ''}\r\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  /** null when a whole 200 answer is in the buffer (content-length bodies: the bench apps send those), 'status <code>' for another whole answer, else 'closed'. */
  private verdict(): string | null {
    const head = this.buf.indexOf('\r\n\r\n');
    const m = head < 0 ? null : /\r\ncontent-length: *(\d+)/i.exec(this.buf.slice(0, head));
    if (m === null || this.buf.length - head - 4 < Number(m[1])) return 'closed';
    return this.buf.startsWith('HTTP/1.1 200') ? null : `status ${this.buf.slice(9, 12)}`;
  }

  private check(): void {
    // With Connection: close the answer is judged when the server closes; kept alive, once whole.
    if (this.close1) return;
    const v = this.verdict();
    if (v === 'closed') return;
    // An answer with Connection: close ends the connection: the next request goes on a new one,
    // as any HTTP client does, not on this one before its close arrives.
    const last = /\r\nconnection: *close\r\n/i.test(this.buf.slice(0, this.buf.indexOf('\r\n\r\n') + 2));
    const w = this.waiter;
    this.waiter = undefined;
    this.buf = '';
    if (last) {
      this.closed = true;
      this.socket.destroy();
    }
    w?.(v);
  }

  private end(failure: string | null): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(failure);
  }
}

/** The q-quantile (0..1) of the finite values, or null; nearest rank. */
export function quantile(values: readonly number[], q: number): number | null {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  return xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(q * xs.length) - 1))]!;
}
