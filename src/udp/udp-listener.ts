// Binds one UDP cluster address and port (node:dgram) for the master.
import dgram from 'node:dgram';
import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import { listenAddress } from '../address.js';
import type { ListenerConfig } from '../config/types.js';
import { CODES, EXIT, PortplexError } from '../errors.js';

/** Called for each datagram a client sends to the cluster address. */
export type DatagramCallback = (listener: number, msg: Buffer, rinfo: dgram.RemoteInfo) => void;

/** A bound UDP listener; `address` is what the operating system gave (port 0 resolved). */
export class UdpListener {
  address = '';
  port = 0;
  family: 'IPv4' | 'IPv6' = 'IPv4';
  socket: dgram.Socket | undefined;
  private closing = false;

  constructor(readonly config: ListenerConfig) {}

  /**
   * Binds the address; rejects with a PortplexError naming the listener on failure. Without a
   * host it binds "::" (dual stack, as Node's listen(port) does for TCP), or 0.0.0.0 where the
   * machine has no IPv6.
   */
  async bind(onDatagram: DatagramCallback): Promise<void> {
    const { host, port } = this.config;
    if (host !== undefined) return this.bindAs(isIP(host) === 6 ? 'udp6' : 'udp4', host, port, onDatagram);
    try {
      await this.bindAs('udp6', '::', port, onDatagram);
    } catch (err) {
      if (!/EAFNOSUPPORT|EADDRNOTAVAIL/.test((err as Error).message)) throw err;
      await this.bindAs('udp4', '0.0.0.0', port, onDatagram);
    }
  }

  private bindAs(type: 'udp4' | 'udp6', host: string, port: number, onDatagram: DatagramCallback): Promise<void> {
    // exclusive: never share the port with another process's socket (cluster would pool it).
    const socket = dgram.createSocket({ type, reuseAddr: false, ipv6Only: type === 'udp6' && this.config.v6only, lookup: literalFirst });
    const { index } = this.config;
    return new Promise((resolve, reject) => {
      const onBindError = (err: NodeJS.ErrnoException): void => {
        socket.close();
        reject(new PortplexError(CODES.LISTEN_FAILED, `cannot bind udp ${listenAddress(this.config.host, port)}: ${err.code ?? err.message}`, EXIT.listen));
      };
      socket.once('error', onBindError);
      socket.bind({ port, address: host, exclusive: true }, () => {
        socket.off('error', onBindError);
        // After bind, errors are per datagram (ICMP unreachable on Linux, send failures): never fatal.
        socket.on('error', () => {});
        const a = socket.address();
        this.address = a.address;
        this.port = a.port;
        this.family = a.family === 'IPv6' ? 'IPv6' : 'IPv4';
        this.socket = socket;
        socket.on('message', (msg, rinfo) => onDatagram(index, msg, rinfo));
        if (this.closing) this.close();
        resolve();
      });
    });
  }

  /** Closes the socket: no more datagrams in, no more replies out. */
  close(): Promise<void> {
    this.closing = true;
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    this.socket = undefined;
    return new Promise((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  toString(): string {
    return `udp ${listenAddress(this.address, this.port)}`;
  }
}

/**
 * dgram's lookup for the master's sockets. Replies always go to a client's address literal;
 * dns.lookup() would answer those on the next tick, one deferred callback per datagram sent.
 * Names (a configured host) still go to the resolver.
 */
export function literalFirst(address: string, family: unknown, callback: (err: Error | null, address: string, family: number) => void): void {
  const f = isIP(address);
  if (f !== 0) callback(null, address, f);
  else lookup(address, family as number, callback as never);
}
