// listen() in a worker: the server does not bind. It gets a stand-in handle (cluster-handle.ts),
// emits 'listening', and is given the master's connections, as Node's cluster does for its
// workers. A configured port is served at once (the worker knows its listeners from its
// environment); any other port is asked of the master first (listen-requests.ts), which binds
// the application's own address, and the server emits 'listening' or a real bind's 'error' on
// its answer. Ports of ownPorts, and listen({ exclusive: true }), bind as usual in each worker.
import dns from 'node:dns';
import net from 'node:net';
import { getSystemErrorMap } from 'node:util';
import { hasHandle, listenOn, listenOnPipe } from '../internals/net-server.js';
import type { WorkerListener } from '../ipc/protocol.js';
import { ClusterHandle, type HandleOwner } from './cluster-handle.js';
import type { Delivery } from './delivery.js';
import { clientSpeaksFirst } from './first-read.js';
import { parseListenArgs, type ListenTarget } from './listen-args.js';
import type { ListenRequests, ListenSlot } from './listen-requests.js';
import type { SessionReport } from './session-report.js';
import { appThrow } from './faults.js';

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
  /** Handles of listeners the master bound on request, and the listen() each stands for. */
  private readonly slots = new Map<ClusterHandle, ListenSlot>();

  constructor(
    listeners: readonly WorkerListener[],
    private readonly delivery: Delivery,
    private readonly events: ServingEvents,
    private readonly requests: ListenRequests,
    private readonly sessionKeys: SessionReport,
    private readonly ownPorts: ReadonlySet<number> = new Set(),
  ) {
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
    if (hasHandle(server)) return false; // let Node throw ERR_SERVER_ALREADY_LISTEN as usual
    if (target.path !== undefined) {
      // A Unix socket: the master binds the path and hands its connections round, as Node's
      // cluster primary does; listen({ path, exclusive: true }) binds in the worker as usual.
      if (target.exclusive) return false;
      this.request(server, target);
      return true;
    }
    const listeners = this.byPort.get(target.port);
    if (!listeners) {
      if (target.exclusive || this.ownPorts.has(target.port)) return false;
      this.request(server, target);
      return true;
    }
    if (listeners.some((l) => this.byListener[l.i] !== undefined)) {
      // A second server on the same port: what a real bind would say.
      const err = Object.assign(new Error(`listen EADDRINUSE: address already in use :::${target.port}`), {
        code: 'EADDRINUSE', errno: -98, syscall: 'listen', port: target.port,
      });
      process.nextTick(() => server.emit('error', err));
      return true;
    }
    if (target.callback) server.once('listening', target.callback);
    this.serveOn(server, listeners, target);
    return true;
  }

  /**
   * `server` listens on a stand-in handle for `listeners`, whether configured or bound on its
   * request: the same hooks either way (connection ids and pre-read bytes, sticky keys, HTTP/2
   * sessions to end on a drain), all before its first connection.
   */
  private serveOn(server: net.Server, listeners: readonly WorkerListener[], target: ListenTarget, slot?: ListenSlot): void {
    this.delivery.hook(server);
    this.sessionKeys.watch(server, listeners);
    this.events.hooked(server);
    const handle = new ClusterHandle(listeners, this, clientSpeaksFirst(server));
    this.servers.set(handle, server);
    if (slot !== undefined) this.slots.set(handle, slot);
    const first = listeners[0]!;
    if (first.u === 1) listenOnPipe(server, handle, first.address, target.backlog ?? 511);
    else listenOn(server, handle, first.address, first.port, first.family, target.backlog ?? 511);
    if (target.signal) {
      if (target.signal.aborted) server.close();
      else target.signal.addEventListener('abort', () => server.close(), { once: true });
    }
  }

  /** Asks the master for the address, after resolving a host name as Node's listen() does. */
  private request(server: net.Server, target: ListenTarget): void {
    if (target.callback) server.once('listening', target.callback);
    const host = target.host === undefined || target.host === '' ? undefined : target.host;
    if (host === undefined || net.isIP(host) !== 0) {
      this.ask(server, target, host ?? null);
      return;
    }
    dns.lookup(host, (err, address) => {
      if (err) server.emit('error', err);
      else this.ask(server, target, address);
    });
  }

  private ask(server: net.Server, target: ListenTarget, host: string | null): void {
    this.requests.ask(host, target.port, target.path, (answer, slot) => {
      if (!('listener' in answer)) {
        this.requests.release(slot);
        const err = bindError(answer.code, answer.errno, target.path ?? host ?? '::', target.path !== undefined ? -1 : target.port);
        try {
          server.emit('error', err);
        } catch (e) {
          // The application's 'error' listener, or none: its throw, as a real bind's would be.
          throw appThrow(e);
        }
        return;
      }
      if (hasHandle(server)) {
        // The application listened again meanwhile: this answer has no server left to serve.
        this.requests.release(slot);
        return;
      }
      this.serveOn(server, [answer.listener], target, slot);
    });
  }

  serve(handle: ClusterHandle): void {
    for (const l of handle.listeners) {
      this.byListener[l.i] = handle;
      this.events.served(l.i);
    }
    this.events.changed();
  }

  unserve(handle: ClusterHandle): void {
    const slot = this.slots.get(handle);
    if (slot !== undefined) {
      this.slots.delete(handle);
      this.requests.release(slot);
    }
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

/**
 * The error a real bind would give: the same code, errno, syscall, address, port and message
 * ("listen EADDRINUSE: address already in use 127.0.0.1:8080"); a Unix socket (port -1) is
 * named by its path alone, as Node names it.
 */
function bindError(code: string, errno: number, address: string, port: number): NodeJS.ErrnoException {
  const what = getSystemErrorMap().get(errno)?.[1] ?? code;
  return Object.assign(new Error(`listen ${code}: ${what} ${port < 0 ? address : `${address}:${port}`}`), { code, errno, syscall: 'listen', address, port });
}
