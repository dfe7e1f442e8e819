// listen() on a port the master does not serve yet is asked of the master, as Node's cluster
// child asks its primary (queryServer): the master binds the address once and every worker that
// asks for it is served its connections. This file keeps the questions in flight and, per
// address, which of the application's listen() calls are open: the n-th open listen() of an
// address in each worker shares one socket with the n-th of every other worker, as in Node's
// cluster (its key address:port:addressType:fd:index), so listen(0) gives every worker the same
// random port and a second listen() of one address in one worker fails as a real bind would.
import { CMD, type WorkerListener } from '../ipc/protocol.js';
import type { RequestIds } from '../ipc/request-ids.js';
import type { MasterChannel } from './master-channel.js';

/** The master's answer: the listener to serve, or the bind's error. */
export type ListenAnswer = { readonly listener: WorkerListener } | { readonly code: string; readonly errno: number };

/** One open listen() of an address: released when its server closes or its bind fails. */
export interface ListenSlot {
  readonly key: string;
  readonly index: number;
}

/** Questions in flight at most; past it a listen() fails with EMFILE (a bound on what a runaway loop costs). */
const MAX_PENDING = 1024;

export class ListenRequests {
  private readonly pending = new Map<number, (a: ListenAnswer) => void>();
  private readonly open = new Map<string, { next: number; held: Set<number> }>();
  /**
   * Keeps the process alive while a question is in flight: the server has no handle yet, so
   * nothing else would (Node's cluster child refs a stand-in timer the same way).
   */
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(
    private readonly channel: MasterChannel,
    /** This process's request ids (its only questions to the master are these). */
    private readonly ids: RequestIds,
  ) {}

  /** Asks the master for `host` (null: every address) and `port`, or Unix socket `path`; `answered` runs once. */
  ask(host: string | null, port: number, path: string | undefined, answered: (a: ListenAnswer, slot: ListenSlot) => void): void {
    const slot = this.take(path !== undefined ? `unix:${path}` : `${host ?? '*'}:${port}`);
    if (this.pending.size >= MAX_PENDING) {
      process.nextTick(() => answered({ code: 'EMFILE', errno: -24 }, slot));
      return;
    }
    const req = this.ids.next();
    this.pending.set(req, (a) => answered(a, slot));
    this.keepAlive ??= setInterval(() => {}, 0x7fffffff);
    this.channel.send(path !== undefined ? { cmd: CMD, t: 'lq', req, h: null, p: 0, x: slot.index, u: path } : { cmd: CMD, t: 'lq', req, h: host, p: port, x: slot.index });
  }

  /** The master answered question `req`; an answer to no question is ignored. */
  answer(req: number, a: ListenAnswer): void {
    const done = this.pending.get(req);
    if (done === undefined) return;
    this.pending.delete(req);
    if (this.pending.size === 0) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
    done(a);
  }

  /** The listen() of `slot` is over (its server closed, or its bind failed). */
  release(slot: ListenSlot): void {
    const entry = this.open.get(slot.key);
    if (entry === undefined) return;
    entry.held.delete(slot.index);
    // Node's cluster counts afresh once no listen() of the address is open.
    if (entry.held.size === 0) this.open.delete(slot.key);
  }

  private take(key: string): ListenSlot {
    let entry = this.open.get(key);
    if (entry === undefined) this.open.set(key, (entry = { next: 0, held: new Set() }));
    const index = entry.next++;
    entry.held.add(index);
    return { key, index };
  }
}
