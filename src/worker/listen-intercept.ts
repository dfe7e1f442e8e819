// listen() in a worker, on a cluster port: the server does not bind. It gets a stand-in handle
// (cluster-handle.ts), emits 'listening', and is given the master's connections for that port,
// as Node's cluster does for its workers. Other ports bind as usual.
import type net from 'node:net';
import { hasHandle, listenOn } from '../internals/net-server.js';
import type { WorkerListener } from '../ipc/protocol.js';
import { ClusterHandle, type HandleOwner } from './cluster-handle.js';
import type { Delivery } from './delivery.js';
import { clientSpeaksFirst } from './first-read.js';
import { parseListenArgs } from './listen-args.js';

/** What the intercept tells the runtime. */
export interface ServingEvents {
  /** The listeners served changed (a server started or stopped serving some). */
  changed(): void;
  /** Listener `l` is served now. */
  served(l: number): void;
  /** Listener `l` is no longer served. */
  unserved(l: number): void;
  /** A served server was ref()ed or unref()ed. */
  refChanged(): void;
  /** `server` listens on a cluster port for the first time (before any connection). */
  hooked(server: net.Server): void;
}

export class ListenIntercept implements HandleOwner {
  private readonly byPort = new Map<number, WorkerListener[]>();
  private readonly byListener: Array<ClusterHandle | undefined> = [];
  private readonly servers = new Map<ClusterHandle, net.Server>();

  constructor(listeners: readonly WorkerListener[], private readonly delivery: Delivery, private readonly events: ServingEvents) {
    for (const l of listeners) {
      if (l.protocol === 'udp') continue;
      const list = this.byPort.get(l.port) ?? [];
      list.push(l);
      this.byPort.set(l.port, list);
    }
  }

  /** TCP ports the master serves for this worker. */
  get ports(): number[] {
    return [...this.byPort.keys()];
  }

  /** The stand-in handle serving listener `l`, if its server listens. */
  handleOf(l: number): ClusterHandle | undefined {
    return this.byListener[l];
  }

  /** The listener indexes served now. */
  servedList(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.byListener.length; i++) if (this.byListener[i]) out.push(i);
    return out;
  }

  /** Every server listening on a cluster port. */
  allServers(): net.Server[] {
    return [...new Set(this.servers.values())];
  }

  /** True while a served server is referenced (it keeps the process alive). */
  get referenced(): boolean {
    for (const h of this.servers.keys()) if (!h.closed && h.referenced) return true;
    return false;
  }

  /** Called in place of net.Server.prototype.listen; false when the call is not for a cluster port. */
  intercept(server: net.Server, args: unknown[]): boolean {
    const target = parseListenArgs(args);
    if (!target) return false;
    const listeners = this.byPort.get(target.port);
    if (!listeners) return false;
    if (hasHandle(server)) return false; // let Node throw ERR_SERVER_ALREADY_LISTEN as usual
    if (listeners.some((l) => this.byListener[l.i] !== undefined)) {
      // A second server on the same port: what a real bind would say.
      const err = Object.assign(new Error(`listen EADDRINUSE: address already in use :::${target.port}`), {
        code: 'EADDRINUSE', errno: -98, syscall: 'listen', port: target.port,
      });
      process.nextTick(() => server.emit('error', err));
      return true;
    }
    if (target.callback) server.once('listening', target.callback);
    // First listener, so the connection id and any pre-read bytes attach before the application reads.
    this.delivery.hook(server);
    this.events.hooked(server);
    const handle = new ClusterHandle(listeners, this, clientSpeaksFirst(server));
    this.servers.set(handle, server);
    const first = listeners[0]!;
    listenOn(server, handle, first.address, first.port, first.family, target.backlog ?? 511);
    if (target.signal) {
      if (target.signal.aborted) server.close();
      else target.signal.addEventListener('abort', () => server.close(), { once: true });
    }
    return true;
  }

  serve(handle: ClusterHandle): void {
    for (const l of handle.listeners) {
      this.byListener[l.i] = handle;
      this.events.served(l.i);
    }
    this.events.changed();
  }

  unserve(handle: ClusterHandle): void {
    for (const l of handle.listeners) {
      if (this.byListener[l.i] !== handle) continue;
      this.byListener[l.i] = undefined;
      this.events.unserved(l.i);
    }
    this.events.changed();
  }

  refChanged(): void {
    this.events.refChanged();
  }
}
