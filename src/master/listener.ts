// Binds one cluster address and port and delivers raw accepted handles, without net.Socket objects.
//
// Like Node's cluster round-robin (lib/internal/cluster/round_robin_handle.js), the master takes
// the server's native handle and replaces its onconnection: a connection then costs the master
// one handle and no stream machinery until it is handed over.
import net from 'node:net';
import util from 'node:util';
import { listenAddress } from '../address.js';
import { afterQuietTurn } from '../quiet-turn.js';
import { CODES, EXIT, PortplexError } from '../errors.js';
import type { ListenerConfig } from '../config/types.js';
import { createBoundHandle, listeningHandle, takeAccepts, type BoundHandle, type RawHandle } from '../internals/tcp-handle.js';
import type { InheritedSocket } from './inherited.js';

type InheritedHandle = InheritedSocket['handle'];

/** What the supervisor and status need of any bound listener, TCP or UDP. */
export interface BoundAddress {
  readonly config: ListenerConfig;
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
}

/** Called for each accepted connection (err is a negative errno when accept failed). */
export type AcceptCallback = (listener: number, err: number, handle: RawHandle | undefined) => void;

/** A bound, not yet listening, TCP socket handle (direct mode): workers listen and accept on it. */
export type SharedHandle = BoundHandle;

/**
 * Where a listener's socket came from: bound by this master, passed by systemd (socket
 * activation), or passed by the master this one replaced (`portplex upgrade`), which had bound it.
 */
export type ListenerOrigin = 'bound' | 'systemd' | 'upgrade';

/** A bound listener; `address` is what the operating system gave (port 0 resolved). */
export class Listener {
  address = '';
  port = 0;
  family: 'IPv4' | 'IPv6' = 'IPv4';
  private server: net.Server | undefined;
  private closing = false;
  /** Direct mode: the bound socket workers accept on; the master never listens on it itself. */
  shared: SharedHandle | undefined;
  private listening = false;
  /** A dispatch listener on an inherited socket: it accepts once resume() is called. */
  private held: { backlog: number; onAccept: AcceptCallback } | undefined;
  /** Connections accepted (or failed accepts): closeQuietly() closes after a turn that adds none. */
  private accepts = 0;

  /**
   * `inherited`: a listening socket used instead of binding, passed by a replaced master (see
   * inherited.ts) or by systemd (activated.ts); `origin` says which.
   */
  constructor(readonly config: ListenerConfig, private inherited?: InheritedHandle, readonly origin: ListenerOrigin = inherited ? 'upgrade' : 'bound') {}

  /** Binds the address; rejects with a PortplexError naming the listener on failure. */
  bind(backlog: number, onAccept: AcceptCallback): Promise<void> {
    if (this.inherited) return this.adopt(backlog, onAccept);
    if (this.config.mode === 'direct') return this.bindShared();
    const server = net.createServer();
    this.server = server;
    const { host, port, index, path } = this.config;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        // The system error stays as the cause: a worker that asked for this address emits it.
        reject(Object.assign(new PortplexError(CODES.LISTEN_FAILED, `cannot listen on ${path ?? listenAddress(host, port)}: ${err.code ?? err.message}`, EXIT.listen), { cause: err }));
      });
      const options = path !== undefined ? { path, backlog, exclusive: true } : { port, host, backlog, exclusive: true, ipv6Only: this.config.v6only };
      server.listen(options, () => {
        if (path !== undefined) {
          this.address = path;
        } else {
          const a = server.address() as net.AddressInfo;
          this.address = a.address;
          this.port = a.port;
          this.family = a.family === 'IPv6' ? 'IPv6' : 'IPv4';
        }
        try {
          takeAccepts(server, this.counted(index, onAccept));
        } catch (err) {
          server.close();
          reject(err);
          return;
        }
        // close() came while the bind was under way: honour it now.
        if (this.closing) server.close();
        resolve();
      });
    });
  }

  /**
   * Direct mode: binds without listening, as cluster's SCHED_NONE primary does, so the master
   * never accepts; the first worker given the handle starts listening on it. The master keeps
   * its copy, so the socket (and its backlog) outlives any worker's copy.
   */
  private bindShared(): Promise<void> {
    const { host, port } = this.config;
    const family = host === undefined ? 6 : net.isIPv6(host) ? 6 : 4;
    let handle = createBoundHandle(host ?? '::', port, family, this.config.v6only);
    // No IPv6 on this machine: bind every IPv4 address instead, as Node's listen(port) does.
    if (typeof handle === 'number' && host === undefined) handle = createBoundHandle('0.0.0.0', port, 4);
    if (typeof handle === 'number') {
      return Promise.reject(new PortplexError(CODES.LISTEN_FAILED, `cannot listen on ${listenAddress(host, port)}: ${errnoName(handle)}`, EXIT.listen));
    }
    const out: Record<string, unknown> = {};
    handle.getsockname(out);
    this.address = String(out.address);
    this.port = Number(out.port);
    this.family = out.family === 'IPv6' ? 'IPv6' : 'IPv4';
    this.shared = handle;
    return Promise.resolve();
  }

  /**
   * An inherited socket: its address is the old master's (or systemd's). In direct mode it is
   * shared as it is; in dispatch mode this master accepts on it only from resume(), once its
   * workers are ready, and the old master goes on accepting until then (a socket from systemd
   * queues its connections in the kernel meanwhile).
   */
  private adopt(backlog: number, onAccept: AcceptCallback): Promise<void> {
    const handle = this.inherited as unknown as BoundHandle;
    const out: Record<string, unknown> = {};
    handle.getsockname(out);
    this.address = String(out.address);
    this.port = Number(out.port);
    this.family = out.family === 'IPv6' ? 'IPv6' : 'IPv4';
    if (this.config.mode === 'direct') {
      this.shared = handle;
      this.inherited = undefined;
    } else {
      this.held = { backlog, onAccept };
    }
    return Promise.resolve();
  }

  /** An inherited dispatch socket starts accepting here (a no-op for any other listener). */
  resume(): Promise<void> {
    const held = this.held;
    const handle = this.inherited;
    if (!held || !handle || this.closing) return Promise.resolve();
    this.held = undefined;
    this.inherited = undefined;
    const server = net.createServer();
    this.server = server;
    return new Promise((resolve) => {
      server.once('error', () => resolve());
      // listen(handle) keeps the socket as it is (no bind): Node's setupListenHandle on a handle given.
      server.listen(handle, held.backlog, () => {
        takeAccepts(server, this.counted(this.config.index, held.onAccept));
        if (this.closing) server.close();
        resolve();
      });
    });
  }

  /** The socket to pass to a master that replaces this one: undefined when there is none (yet). */
  transferable(): object | undefined {
    if (this.shared) return this.shared;
    if (this.inherited) return this.inherited;
    return this.server ? listeningHandle(this.server) : undefined;
  }

  /** Direct mode: a worker has put the socket in the listening state (connections queue from then on). */
  get accepting(): boolean {
    return this.listening;
  }

  /** Direct mode: a worker says it listens on its copy; false if that was known already. */
  markAccepting(): boolean {
    if (this.listening || this.shared === undefined) return false;
    this.listening = true;
    return true;
  }

  /** close() was called. */
  get closed(): boolean {
    return this.closing;
  }

  /** Stops accepting; connections already accepted are not affected. */
  close(): Promise<void> {
    this.closing = true;
    if (this.inherited) {
      const handle = this.inherited;
      this.inherited = undefined;
      return new Promise((resolve) => handle.close(() => resolve()));
    }
    if (this.shared) {
      const shared = this.shared;
      this.shared = undefined;
      return new Promise((resolve) => shared.close(() => resolve()));
    }
    const server = this.server;
    if (!server || !server.listening) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /**
   * Stops accepting without resetting what the kernel has queued (see quiet-turn.ts). Listeners
   * that do not accept here (direct mode, an inherited socket not resumed) close at once: the
   * queue is not theirs.
   */
  closeQuietly(): Promise<void> {
    const server = this.server;
    if (!server || !server.listening || this.closing || this.shared || this.inherited) return this.close();
    this.closing = true;
    return new Promise((resolve) => {
      afterQuietTurn(() => this.accepts, () => {
        // close() came meanwhile (a forced stop): the socket is closed already.
        if (this.server !== server) return resolve();
        this.server = undefined;
        server.close(() => resolve());
      });
    });
  }

  /** `onAccept` for listener `index`, with each accept counted for closeQuietly(). */
  private counted(index: number, onAccept: AcceptCallback): (err: number, handle?: RawHandle) => void {
    return (err, handle) => {
      this.accepts++;
      onAccept(index, err, handle);
    };
  }

  /** "host:port" as bound, e.g. "127.0.0.1:8080" or "[::]:8080"; a Unix socket's path. */
  toString(): string {
    if (this.config.path !== undefined) return this.address;
    return listenAddress(this.address, this.port);
  }
}

function errnoName(errno: number): string {
  try {
    return util.getSystemErrorName(errno);
  } catch {
    return `errno ${errno}`;
  }
}
