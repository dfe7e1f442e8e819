// What the master's JSON messages do in a worker, one handler per message type.
import { CMD, type MessageTable, type ToWorker } from '../ipc/protocol.js';
import type { ListenAnswer } from './listen-requests.js';
import { collectWorkerMetrics } from '../metrics/worker-metrics.js';
import type { Usage } from './usage.js';
import type { MasterChannel } from './master-channel.js';

/** What the handlers act on. */
export interface WorkerTargets {
  stop(): void;
  /** Direct mode: give up our copy of listener `l`'s shared socket. */
  releaseShared(l: number): void;
  answerPeers(req: number): void;
  /** The ids of the connections we hold, and how many. */
  heldIds(): number[];
  heldCount(): number;
  /** The max event-loop delay since the last call, ms (then reset). */
  loopDelay(): number;
  /** Memory now, CPU since the last call. */
  usage(): Usage;
  /** HTTP requests our servers have received since the process started. */
  requests(): number;
  /** The master answered listen request `req`. */
  listenAnswer(req: number, answer: ListenAnswer): void;
}

/** The handlers; their answers go on `channel`. */
export function workerMessageTable(channel: MasterChannel, t: WorkerTargets): MessageTable<ToWorker, undefined> {
  return {
    stop: () => t.stop(),
    lp: (_, m) => t.releaseShared(m.l),
    lr: (_, m) => t.listenAnswer(m.req, m.l !== null ? { listener: m.l } : { code: m.e!, errno: m.n! }),
    'held?': () => {
      // The master must know every connection we list, and every close, before it reads the list.
      channel.flushAccepts();
      channel.flushReports();
      channel.send({ cmd: CMD, t: 'held', c: t.heldIds() });
    },
    'peers?': (_, m) => t.answerPeers(m.req),
    'metrics?': (_, m) => {
      collectWorkerMetrics().then(
        (metrics) => channel.send({ cmd: CMD, t: 'metrics', req: m.req, m: metrics ?? null }),
        (err: Error) => channel.send({ cmd: CMD, t: 'metrics', req: m.req, m: null, e: String(err?.message ?? err) }),
      );
    },
    // Answered at once: a late answer is itself the sign of a blocked loop.
    ping: (_, m) => {
      const u = t.usage();
      channel.send({ cmd: CMD, t: 'pong', req: m.req, d: t.loopDelay(), a: t.heldCount(), r: u.rss, h: u.heapUsed, u: u.cpu, q: t.requests() });
    },
  };
}
