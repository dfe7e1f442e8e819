// Binds one cluster address and port and delivers raw accepted handles, without net.Socket objects.
//
// Like Node's cluster round-robin (lib/internal/cluster/round_robin_handle.js), the master takes
// the server's native handle and replaces its onconnection: a connection then costs the master
// one handle and no stream machinery until it is handed over.
import net from 'node:net';
import { CODES, EXIT, PortplexError } from '../errors.js';
import type { ListenerConfig } from '../config/types.js';
import type { RawHandle } from './raw-handle.js';

/** What the supervisor and status need of any bound listener, TCP or UDP. */
export interface BoundAddress {
  readonly config: ListenerConfig;
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
}

/** Called for each accepted connection (err is a negative errno when accept failed). */
export type AcceptCallback = (listener: number, err: number, handle: RawHandle | undefined) => void;

interface InternalServer extends net.Server {
  _handle: { onconnection: (err: number, handle?: RawHandle) => void; close(cb?: () => void): void } | null;
}

/** A bound listener; `address` is what the operating system gave (port 0 resolved). */
export class Listener {
  address = '';
  port = 0;
  family: 'IPv4' | 'IPv6' = 'IPv4';
  private server: InternalServer | undefined;
  private closing = false;

  constructor(readonly config: ListenerConfig) {}

  /** Binds the address; rejects with a PortplexError naming the listener on failure. */
  bind(backlog: number, onAccept: AcceptCallback): Promise<void> {
    const server = net.createServer() as InternalServer;
    this.server = server;
    const { host, port, index } = this.config;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(new PortplexError(CODES.LISTEN_FAILED, `cannot listen on ${describe(host, port)}: ${err.code ?? err.message}`, EXIT.listen));
      });
      server.listen({ port, host, backlog, exclusive: true }, () => {
        const a = server.address() as net.AddressInfo;
        this.address = a.address;
        this.port = a.port;
        this.family = a.family === 'IPv6' ? 'IPv6' : 'IPv4';
        server._handle!.onconnection = (err, handle) => onAccept(index, err, handle);
        // close() came while the bind was under way: honour it now.
        if (this.closing) server.close();
        resolve();
      });
    });
  }

  /** Stops accepting; connections already accepted are not affected. */
  close(): Promise<void> {
    this.closing = true;
    const server = this.server;
    if (!server || !server.listening) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** "host:port" as bound, e.g. "127.0.0.1:8080" or "[::]:8080". */
  toString(): string {
    return describe(this.address, this.port);
  }
}

function describe(host: string | undefined, port: number): string {
  if (host === undefined) return `*:${port}`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
