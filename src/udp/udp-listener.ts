// Binds one UDP cluster address and port (node:dgram) for the master.
import dgram from 'node:dgram';
import { close as closeFd } from 'node:fs';
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

  /** A socket systemd passed, not opened yet: resume() opens it. */
  private held: { readonly fd: number; readonly onDatagram: DatagramCallback } | undefined;

  /**
   * `passed`: a socket systemd passed (socket activation), bound already to the address it
   * says: opened by resume() instead of bound.
   */
  constructor(readonly config: ListenerConfig, private readonly passed?: { readonly fd: number; readonly address: string; readonly port: number; readonly family: 'IPv4' | 'IPv6' }) {}

  /** Where the socket came from (see ListenerOrigin): an upgrade never passes UDP sockets. */
  get origin(): 'bound' | 'systemd' {
    return this.passed ? 'systemd' : 'bound';
  }

  /**
   * Binds the address; rejects with a PortplexError naming the listener on failure. Without a
   * host it binds "::" (dual stack, as Node's listen(port) does for TCP), or 0.0.0.0 where the
   * machine has no IPv6.
   */
  async bind(onDatagram: DatagramCallback): Promise<void> {
    if (this.passed) {
      // Read only from resume() on, once workers are ready: what comes before (the datagram
      // that made systemd start this master, say) waits in the socket's buffer, not dropped.
      this.address = this.passed.address;
      this.port = this.passed.port;
      this.family = this.passed.family;
      this.held = { fd: this.passed.fd, onDatagram };
      return;
    }
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
    return new Promise((resolve, reject) => {
      const onBindError = (err: NodeJS.ErrnoException): void => {
        socket.close();
        reject(new PortplexError(CODES.LISTEN_FAILED, `cannot bind udp ${listenAddress(this.config.host, port)}: ${err.code ?? err.message}`, EXIT.listen));
      };
      socket.once('error', onBindError);
      socket.bind({ port, address: host, exclusive: true }, () => {
        socket.off('error', onBindError);
        this.serve(socket, onDatagram);
        resolve();
      });
    });
  }

  /**
   * Opens a descriptor systemd passed, bound already. `type` must be its family: it decides how
   * replies are addressed. Closing it later closes this process's copy only.
   */
  private open(fd: number, type: 'udp4' | 'udp6', onDatagram: DatagramCallback): Promise<void> {
    const socket = dgram.createSocket({ type, lookup: literalFirst });
    return new Promise((resolve, reject) => {
      const fail = (err: NodeJS.ErrnoException): void => {
        reject(new PortplexError(CODES.SYSTEMD_SOCKET, `cannot open udp socket fd ${fd} passed by systemd: ${err.code ?? err.message}`, EXIT.listen));
      };
      socket.once('error', fail);
      try {
        socket.bind({ fd }, () => {
          socket.off('error', fail);
          this.serve(socket, onDatagram);
          resolve();
        });
      } catch (err) {
        fail(err as NodeJS.ErrnoException);
      }
    });
  }

  /** A bound socket: its datagrams go to `onDatagram` from now on. */
  private serve(socket: dgram.Socket, onDatagram: DatagramCallback): void {
    const { index } = this.config;
    // After bind, errors are per datagram (ICMP unreachable on Linux, send failures): never fatal.
    socket.on('error', () => {});
    const a = socket.address();
    this.address = a.address;
    this.port = a.port;
    this.family = a.family === 'IPv6' ? 'IPv6' : 'IPv4';
    this.socket = socket;
    socket.on('message', (msg, rinfo) => onDatagram(index, msg, rinfo));
    if (this.closing) this.close();
  }

  /** A socket systemd passed starts receiving (a no-op for any other listener). */
  resume(): Promise<void> {
    const held = this.held;
    if (!held || this.closing) return Promise.resolve();
    this.held = undefined;
    return this.open(held.fd, this.family === 'IPv6' ? 'udp6' : 'udp4', held.onDatagram);
  }

  /** Closes the socket: no more datagrams in, no more replies out. */
  close(): Promise<void> {
    this.closing = true;
    if (this.held) {
      // Never opened: this process's copy of systemd's socket closes all the same.
      const { fd } = this.held;
      this.held = undefined;
      return new Promise((resolve) => closeFd(fd, () => resolve()));
    }
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
