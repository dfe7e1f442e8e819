// Status answers and events for the top tests, as a master would send them.
import type { TopEvent, TopStatus, TopWorker } from '../../../../src/cli/top/data.js';

export function worker(id: number, over: Partial<TopWorker> = {}): TopWorker {
  return {
    id, group: 'default', pid: 20000 + id, state: 'ready', healthy: true, weight: 1, active: id, connectionsPerSecond: id * 1.5,
    cpuPercent: id * 2.5, rssBytes: (50 + id) * 1024 * 1024, heapUsedBytes: 7 * 1024 * 1024, loopDelayMs: 3, restarts: 0, uptimeMs: 312000, ...over,
  };
}

/** A master with workers 1..n (or with these conn/s), one listener. */
export function status(opts: { workers?: number; rates?: number[]; over?: Partial<TopStatus> } = {}): TopStatus {
  const rates = opts.rates ?? Array.from({ length: opts.workers ?? 4 }, (_, i) => (i + 1) * 1.5);
  return {
    version: '0.1.0', pid: 1000, state: 'serving', uptimeMs: 312000,
    listeners: [{ index: 0, protocol: 'tcp', address: '127.0.0.1', port: 8080, family: 'IPv4', group: 'default', mode: 'dispatch', algorithm: 'round-robin', closed: false }],
    workers: rates.map((r, i) => worker(i + 1, { connectionsPerSecond: r })),
    table: { records: 4 },
    stats: { accepted: [1234], queued: [0] },
    ...opts.over,
  };
}

export function events(n: number, from = 1): TopEvent[] {
  return Array.from({ length: n }, (_, i) => ({ seq: from + i, at: Date.UTC(2025, 0, 1, 12, 0, i), kind: i % 2 === 0 ? 'exit' : 'restart', message: `worker ${(i % 4) + 1} event ${from + i}`, worker: (i % 4) + 1, pid: 20001 }));
}
