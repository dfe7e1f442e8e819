// Who the workers are: the one owner of membership. Pools, the datagram path and status read it;
// scale adds and removes through it, and everyone who keeps a list of their own is told.
//
// It also keys the processes a reload retired: each keeps finishing its connections under a
// table key of its own (above any worker id), so the records of the old and the new process of
// one worker never mix.
import { MAX_WORKER } from '../table/connection-table.js';
import type { Worker } from './worker.js';
import type { WorkerProcess } from './worker-process.js';

/** Told of every change of membership. */
export interface MembershipObserver {
  added(worker: Worker): void;
  removed(worker: Worker): void;
}

/** Table keys for retired processes: the top of the table's worker range. */
const RETIRED_KEYS = 5000;

export class Registry {
  private readonly list: Worker[] = [];
  private readonly byIdMap = new Map<number, Worker>();
  private readonly observers: MembershipObserver[] = [];
  private readonly retired = new Map<WorkerProcess, number>();
  private readonly freeKeys: number[] = Array.from({ length: RETIRED_KEYS }, (_, i) => MAX_WORKER - i);

  constructor(workers: Iterable<Worker> = []) {
    for (const w of workers) this.add(w);
  }

  /** Every worker, in id order of their adding. */
  get workers(): readonly Worker[] {
    return this.list;
  }

  byId(id: number): Worker | undefined {
    return this.byIdMap.get(id);
  }

  /** The worker `p` runs for, when it is that worker's current process. */
  currentOf(p: WorkerProcess): Worker | undefined {
    const w = this.byIdMap.get(p.workerId);
    return w !== undefined && w.process === p ? w : undefined;
  }

  /** An id above every id in use. */
  nextId(): number {
    let max = 0;
    for (const w of this.list) if (w.id > max) max = w.id;
    return max + 1;
  }

  subscribe(observer: MembershipObserver): void {
    this.observers.push(observer);
  }

  add(worker: Worker): void {
    if (worker.id > MAX_WORKER - RETIRED_KEYS) throw new RangeError(`worker id ${worker.id} is above ${MAX_WORKER - RETIRED_KEYS}`);
    this.list.push(worker);
    this.byIdMap.set(worker.id, worker);
    for (const o of this.observers) o.added(worker);
  }

  remove(worker: Worker): void {
    const i = this.list.indexOf(worker);
    if (i < 0) return;
    this.list.splice(i, 1);
    this.byIdMap.delete(worker.id);
    for (const o of this.observers) o.removed(worker);
  }

  /** Keys `p`, retired by a reload, for its records; undefined when every key is taken. */
  retire(p: WorkerProcess): number | undefined {
    const key = this.freeKeys.pop();
    if (key !== undefined) this.retired.set(p, key);
    return key;
  }

  /** The table key of a retired process, if it is one. */
  keyOf(p: WorkerProcess): number | undefined {
    return this.retired.get(p);
  }

  /** A retired process is gone: its key is free again. */
  release(p: WorkerProcess): void {
    const key = this.retired.get(p);
    if (key === undefined) return;
    this.retired.delete(p);
    this.freeKeys.push(key);
  }

  /** How many retired processes are still finishing their connections. */
  get retiredCount(): number {
    return this.retired.size;
  }

  /** The retired processes still finishing their connections. */
  retiredProcesses(): WorkerProcess[] {
    return [...this.retired.keys()];
  }
}
