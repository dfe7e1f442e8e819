// net.Server and net.Socket members a worker uses to serve the master's connections in the
// application's own server: listening on a stand-in handle, and a socket's cached peer.
import net from 'node:net';
import { unsupported } from './unsupported.js';

/** Names, for PORTPLEX_UNSUPPORTED_NODE. */
export const LISTEN2 = 'net.Server.prototype._listen2';
export const PEERNAME = 'net.Socket.prototype._getpeername (its _peername cache)';

interface InternalServer {
  _handle: unknown;
  _listen2(address: string, port: number, addressType: number, backlog: number, fd?: number, flags?: number): void;
}

export function probeListen2(): boolean {
  return typeof (net.Server.prototype as unknown as Partial<InternalServer>)._listen2 === 'function';
}

export function probePeerName(): boolean {
  return typeof (net.Socket.prototype as unknown as { _getpeername?: unknown })._getpeername === 'function';
}

/** True when `server` already has a handle (listening, or about to). */
export function hasHandle(server: net.Server): boolean {
  return Boolean((server as unknown as InternalServer)._handle);
}

/**
 * Makes `server` listen on `handle` instead of binding: Node's setupListenHandle (_listen2) takes
 * a handle that is already set, installs its onconnection and emits 'listening'. The same path
 * cluster's child uses for a round-robin handle (lib/internal/cluster/child.js).
 */
export function listenOn(server: net.Server, handle: object, address: string, port: number, family: 'IPv4' | 'IPv6', backlog: number): void {
  const s = server as unknown as InternalServer;
  if (typeof s._listen2 !== 'function') throw unsupported(LISTEN2);
  s._handle = handle;
  s._listen2(address, port, family === 'IPv6' ? 6 : 4, backlog);
}

/**
 * The same for a Unix socket path, as cluster's child does for a round-robin pipe: Node's
 * listen() would have set _pipeName before binding, and server.address() returns it when the
 * handle has no getsockname (so the stand-in loses its own). addressType -1 and port -1 are
 * what listen() passes _listen2 for a pipe.
 */
export function listenOnPipe(server: net.Server, handle: object, path: string, backlog: number): void {
  const s = server as unknown as InternalServer & { _pipeName?: string };
  if (typeof s._listen2 !== 'function') throw unsupported(LISTEN2);
  (handle as { getsockname?: unknown }).getsockname = undefined;
  s._pipeName = path;
  s._handle = handle;
  s._listen2(path, -1, -1, backlog);
}

/** A client as net.Socket caches it: remoteAddress, remotePort and remoteFamily read it. */
export interface Peer {
  address: string;
  port: number;
  family: string;
}

/** Gives `socket` its peer, so remoteAddress needs no getpeername system call. */
export function setPeer(socket: net.Socket, peer: Peer): void {
  (socket as unknown as { _peername: Peer })._peername = peer;
}

/** The peer `socket` has cached, if the application (or setPeer) already asked for it. */
export function cachedPeer(socket: net.Socket | undefined): { address?: unknown; port?: unknown } | undefined {
  return (socket as unknown as { _peername?: { address?: unknown; port?: unknown } } | undefined)?._peername;
}
