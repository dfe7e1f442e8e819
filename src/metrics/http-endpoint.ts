// A small HTTP endpoint for scrapers and orchestrators: /metrics, /healthz (200 until the master
// is gone), /readyz (200 while every listener has a ready worker, 503 from a stop's first moment);
// and for people, /status (a page) and /status.json (its data), see status-route.ts.
// It runs in the master process, so it is kept bounded: no request bodies, short timeouts,
// few connections.
import { hostPort } from '../address.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry, RegistryContentType } from 'prom-client';
import type { Master } from '../master/master.js';
import { joinExpositions, WORKER_METRICS_MODES, type WorkerMetricsMode } from './worker-families.js';
import { createWorkerScrape } from './worker-scrape.js';
import { createStatusRoute, STATUS_PATHS } from './status-route.js';

/** Every path served; others answer 404. */
const PATHS: readonly string[] = ['/metrics', '/healthz', '/readyz', ...STATUS_PATHS];

/** Request body bytes read (and ignored) before the request is refused. */
const BODY_LIMIT = 1024;
/** Seconds-scale deadlines: a scrape is one small request. */
const HEADERS_TIMEOUT_MS = 5000;
const REQUEST_TIMEOUT_MS = 10000;
/** A scrape's wait for workers at most: it must end before the scrape's own deadline. */
export const MAX_WORKER_TIMEOUT_MS = REQUEST_TIMEOUT_MS - 1;
/** Scrapers keep one connection each; more than this is not a scraper. */
const MAX_CONNECTIONS = 32;
/** How long a scrape waits for workers' metrics by default. */
const WORKER_TIMEOUT_MS = 1000;

/** A started metrics endpoint. */
export interface MetricsServer {
  readonly server: http.Server;
  /** The bound IP address, e.g. '127.0.0.1'. */
  readonly address: string;
  readonly port: number;
  /** Stops listening and closes open connections (idle keep-alive ones included). */
  close(): Promise<void>;
}

/** Options of startMetricsServer(). */
export interface MetricsServerOptions {
  /** Defaults to 127.0.0.1: metrics describe the fleet and should not be public by accident. */
  host?: string;
  port: number;
  /** Worker series to append to the master's (see worker-families.ts); default 'aggregate'. */
  workerMetrics?: WorkerMetricsMode;
  /** How long a scrape waits for workers' metrics; a later worker is left out. Default 1000. */
  workerTimeoutMs?: number;
}

/** Serves `registry`, the workers' metrics and the master's health on host:port. */
export async function startMetricsServer(master: Master, registry: Registry, options: MetricsServerOptions): Promise<MetricsServer> {
  const mode = options.workerMetrics ?? 'aggregate';
  if (!WORKER_METRICS_MODES.includes(mode)) throw new TypeError(`workerMetrics must be one of ${WORKER_METRICS_MODES.join(', ')}, not ${String(mode)}`);
  const timeoutMs = options.workerTimeoutMs ?? WORKER_TIMEOUT_MS;
  // Below the request timeout, so a scrape answers before its own connection gives up.
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_WORKER_TIMEOUT_MS) {
    throw new RangeError(`workerTimeoutMs must be an integer from 1 to ${MAX_WORKER_TIMEOUT_MS}, not ${String(timeoutMs)}`);
  }
  const workers = mode === 'off' ? undefined : createWorkerScrape(master, { mode, timeoutMs });
  const status = createStatusRoute(master);
  let stopped = false;
  // A stopped master is not alive, even if whoever started this server has not closed it yet.
  void master.closed.then(() => { stopped = true; });

  const server = http.createServer((req, res) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!(declared <= BODY_LIMIT)) return tooLarge(res);
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      // Chunked bodies declare no length: stop reading once past the limit.
      if (seen > BODY_LIMIT && !res.headersSent) {
        req.pause();
        tooLarge(res);
      }
    });
    req.on('end', () => {
      if (!res.headersSent) void route(req, res);
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.maxConnections = MAX_CONNECTIONS;

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (!PATHS.includes(path)) return reply(res, 404, 'not found\n');
    if (req.method !== 'GET') return reply(res, 405, 'method not allowed\n', { allow: 'GET' });
    if (STATUS_PATHS.includes(path)) return status(path, res);
    if (path === '/healthz') return stopped ? reply(res, 503, 'stopped\n') : reply(res, 200, 'ok\n');
    if (path === '/readyz') {
      // From the stop's first moment: the platform must send nothing new (the shutdown delay).
      const missing = master.lifecycle.ending ? [master.lifecycle.describe()] : unready(master);
      return missing.length === 0 ? reply(res, 200, 'ready\n') : reply(res, 503, `not ready: ${missing.join('; ')}\n`);
    }
    let body: string;
    try {
      const contentType = registry.contentType as RegistryContentType;
      // Asked together: the workers' round trip should not wait for the master's collectors.
      const [own, fromWorkers] = await Promise.all([
        registry.metrics(),
        workers ? workers.collect(registry.getMetricsAsArray().map((m) => m.name), contentType) : [],
      ]);
      body = workers ? joinExpositions([own, ...fromWorkers], contentType) : own;
    } catch (err) {
      return reply(res, 500, `metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    reply(res, 200, body, { 'content-type': registry.contentType });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host ?? '127.0.0.1', port: options.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    server,
    address: bound.address,
    port: bound.port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Scrapers hold keep-alive connections; without this close() waits for them to time out.
      server.closeAllConnections();
    }),
  };
}

/** Listeners without a ready worker serving them, described for a 503 body. */
export function unready(master: Master): string[] {
  const workers = master.workers();
  return master.listenerInfo()
    .filter((l) => !l.closed && !workers.some((w) => w.state === 'ready' && w.listening.includes(l.index)))
    .map((l) => `listener ${l.index} (${hostPort(l.address, l.port, l.family)}) has no ready worker`);
}

function reply(res: http.ServerResponse, status: number, body: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function tooLarge(res: http.ServerResponse): void {
  // Connection: close makes Node destroy the socket once the answer is out, instead of reading
  // the rest of the body to find the next request.
  reply(res, 413, 'request bodies are not accepted\n', { connection: 'close' });
}
