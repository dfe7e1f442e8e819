// Questions the master asks its workers and waits for (metrics?, peers?): each gets a fresh
// request id, and an answer counts only for the question and the process it was asked of. A
// process that does not answer in time is left out, so one stuck worker cannot hold a caller.
import { CMD } from '../ipc/protocol.js';
import type { WorkerProcess } from '../workers/worker-process.js';

type Question = 'metrics' | 'peers';

interface Pending {
  readonly question: Question;
  readonly asked: Set<WorkerProcess>;
  readonly onAnswer: (p: WorkerProcess, m: unknown) => void;
  readonly done: () => void;
}

export class Requests {
  private last = 0;
  private readonly pending = new Map<number, Pending>();

  /** Asks each of `processes` and resolves once each has answered or `timeoutMs` has passed. */
  ask<M>(processes: readonly WorkerProcess[], question: Question, timeoutMs: number, onAnswer: (p: WorkerProcess, m: M) => void): Promise<void> {
    if (processes.length === 0) return Promise.resolve();
    const r = ++this.last;
    return new Promise((resolve) => {
      const asked = new Set<WorkerProcess>();
      const finish = (): void => {
        clearTimeout(timer);
        this.pending.delete(r);
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.pending.set(r, { question, asked, onAnswer: onAnswer as (p: WorkerProcess, m: unknown) => void, done: finish });
      for (const p of processes) if (p.send(question === 'metrics' ? { cmd: CMD, t: 'metrics?', r } : { cmd: CMD, t: 'peers?', r })) asked.add(p);
      if (asked.size === 0) finish();
    });
  }

  /** `p` answered request `r` of `question`; anything else is ignored. */
  answer(question: Question, p: WorkerProcess, r: number, m: unknown): void {
    const q = this.pending.get(r);
    if (q === undefined || q.question !== question || !q.asked.delete(p)) return;
    q.onAnswer(p, m);
    if (q.asked.size === 0) q.done();
  }
}
