// Garbage by protocol: many connections, each writes random or mutated bytes and half-closes,
// against listeners that read a head first (HTTP preread, TLS preread, PROXY protocol), and
// against Node's cluster for the rate. What counts: connections per second handled, the master
// still alive and serving after, and why portplex dropped or could not parse them (/metrics).
import net from 'node:net';
import { rawRequest } from './clients.js';
import { HTTP_SAMPLES, nextCase, PROXY_SAMPLES, Rng, TLS_SAMPLES } from './mutate.js';
import { alive, scrapeReasons, startCluster, startPortplex, type FaultServer, type ServerOptions } from './servers.js';

export interface GarbageOptions {
  connections: number;
  concurrency: number;
  /** How long a connection waits for the server to close it after its bytes, ms. */
  waitMs: number;
  seed: number;
}

export interface GarbageRow {
  listener: string;
  setup: string;
  connections: number;
  perSecond: number;
  /** Connections still open at `waitMs` (the client closed them). */
  heldOpen: number;
  masterAlive: boolean;
  /** A good request (with a PROXY header where the listener wants one) answered 200 after. */
  servesAfter: boolean;
  reasons: Record<string, number>;
}

export interface GarbageTarget {
  listener: string;
  setup: string;
  samples: readonly Buffer[];
  /** What a good client sends before its request. */
  prefix: Buffer;
  start(o: ServerOptions): Promise<FaultServer>;
}

const NO_PREFIX = Buffer.alloc(0);
const PROXY_PREFIX = Buffer.from('PROXY TCP4 192.0.2.1 192.0.2.2 1234 80\r\n', 'latin1');

export const GARBAGE_TARGETS: readonly GarbageTarget[] = [
  { listener: 'plain (HTTP app)', setup: 'cluster-rr', samples: HTTP_SAMPLES, prefix: NO_PREFIX, start: (o) => startCluster('garbage-cluster', o) },
  { listener: '--preread http', setup: 'portplex', samples: HTTP_SAMPLES, prefix: NO_PREFIX, start: (o) => startPortplex('garbage-http', ['--preread', 'http'], o) },
  { listener: '--preread tls', setup: 'portplex', samples: TLS_SAMPLES, prefix: NO_PREFIX, start: (o) => startPortplex('garbage-tls', ['--preread', 'tls'], o) },
  { listener: '--proxy-protocol any', setup: 'portplex', samples: PROXY_SAMPLES, prefix: PROXY_PREFIX, start: (o) => startPortplex('garbage-proxy', ['--proxy-protocol', 'any'], o, PROXY_PREFIX) },
];

/** One connection: write `bytes`, half-close, wait for the server's close; true when it closed first. */
function sendGarbage(port: number, bytes: Buffer, waitMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let timedOut = false;
    s.on('error', () => {});
    s.on('data', () => {});
    s.once('connect', () => s.end(bytes));
    const timer = setTimeout(() => {
      timedOut = true;
      s.destroy();
    }, waitMs);
    s.once('close', () => {
      clearTimeout(timer);
      resolve(!timedOut);
    });
  });
}

export async function garbageTrial(t: GarbageTarget, o: GarbageOptions, tmp: string): Promise<GarbageRow> {
  const server = await t.start({ tmp, workers: 2 });
  try {
    const rng = new Rng(o.seed);
    let next = 0;
    let heldOpen = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: o.concurrency }, async () => {
      while (next < o.connections) {
        next++;
        if (!(await sendGarbage(server.port, nextCase(rng, t.samples, 1024), o.waitMs))) heldOpen++;
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    const servesAfter = await rawRequest(server.port, t.prefix);
    return {
      listener: t.listener,
      setup: t.setup,
      connections: o.connections,
      perSecond: o.connections / seconds,
      heldOpen,
      masterAlive: alive(server.proc.pid),
      servesAfter,
      reasons: server.metricsPort === null ? {} : await scrapeReasons(server.metricsPort).catch(() => ({})),
    };
  } finally {
    await server.stop();
  }
}
