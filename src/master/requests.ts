// Questions the master asks its workers and waits for (metrics?, peers?): each gets a fresh
// request id (from the master's one RequestIds, shared with the heartbeat), and an answer counts
// only for the question and the process it was asked of. A process that does not answer in time
// is left out, so one stuck worker cannot hold a caller.
import { CMD } from '../ipc/protocol.js';
import type { RequestIds } from '../ipc/request-ids.js';
import type { WorkerProcess } from '../workers/worker-process.js';

type Question = 'metrics' | 'peers';

interface Pending {
  readonly question: Question;
  readonly asked: Set<WorkerProcess>;
  readonly onAnswer: (p: WorkerProcess, m: unknown) => void;
  readonly done: () => void;
}

export class Requests {
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly ids: RequestIds) {}

  /** Asks each of `processes` and resolves once each has answered or `timeoutMs` has passed. */
  ask<M>(processes: readonly WorkerProcess[], question: Question, timeoutMs: number, onAnswer: (p: WorkerProcess, m: M) => void): Promise<void> {
    if (processes.length === 0) return Promise.resolve();
    const req = this.ids.next();
    return new Promise((resolve) => {
      const asked = new Set<WorkerProcess>();
      const finish = (): void => {
        clearTimeout(timer);
        this.pending.delete(req);
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.pending.set(req, { question, asked, onAnswer: onAnswer as (p: WorkerProcess, m: unknown) => void, done: finish });
      for (const p of processes) if (p.send(question === 'metrics' ? { cmd: CMD, t: 'metrics?', req } : { cmd: CMD, t: 'peers?', req })) asked.add(p);
      if (asked.size === 0) finish();
    });
  }

  /** `p` answered request `req` of `question`; anything else is ignored. */
  answer(question: Question, p: WorkerProcess, req: number, m: unknown): void {
    const q = this.pending.get(req);
    if (q === undefined || q.question !== question || !q.asked.delete(p)) return;
    q.onAnswer(p, m);
    if (q.asked.size === 0) q.done();
  }
}
