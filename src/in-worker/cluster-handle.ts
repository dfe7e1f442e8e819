// The listening "handle" a worker's server gets instead of a bound socket.
//
// net.Server only needs listen/close/getsockname/ref/unref from its _handle, and calls
// _handle.onconnection(err, clientHandle) for each connection: the same contract Node's
// cluster round-robin child handle uses (lib/internal/cluster/child.js). Connections come
// from the master, so onconnection is called by the worker runtime, not by libuv.
import type { WorkerListener } from '../ipc/protocol.js';

export interface HandleOwner {
  serve(handle: ClusterHandle): void;
  unserve(handle: ClusterHandle): void;
  refChanged(): void;
}

/** Stands in for a bound TCP handle inside a worker. */
export class ClusterHandle {
  /** Set by net.Server (setupListenHandle); the runtime calls it with each adopted connection. */
  onconnection: ((err: number, clientHandle: unknown) => void) | null = null;
  referenced = true;
  closed = false;

  constructor(
    readonly listeners: readonly WorkerListener[],
    private readonly owner: HandleOwner,
    /** Its server's clients send first (HTTP, TLS): connections are read before the server sees them (first-read.ts). */
    readonly clientFirst = false,
  ) {}

  listen(): number {
    this.owner.serve(this);
    return 0;
  }

  getsockname(out: Record<string, unknown>): number {
    const l = this.listeners[0];
    out.address = l.address;
    out.port = l.port;
    out.family = l.family;
    return 0;
  }

  close(callback?: () => void): void {
    if (!this.closed) {
      this.closed = true;
      this.owner.unserve(this);
    }
    if (typeof callback === 'function') process.nextTick(callback);
  }

  ref(): void {
    this.referenced = true;
    this.owner.refChanged();
  }

  unref(): void {
    this.referenced = false;
    this.owner.refChanged();
  }

  hasRef(): boolean {
    return this.referenced;
  }

  getAsyncId(): number {
    return -1;
  }
}
