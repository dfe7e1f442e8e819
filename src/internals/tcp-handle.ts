// libuv TCP handles (tcp_wrap) used raw, without a net.Socket: the master accepts them, reads
// a connection's first bytes from them, and hands them over; direct mode binds one without
// listening (the way cluster's SCHED_NONE primary does).
import net from 'node:net';
import { binding } from './binding.js';
import { streamInternals } from './stream-wrap.js';
import { unsupported } from './unsupported.js';

/** Filled in by getpeername. */
export interface PeerName {
  address?: string;
  port?: number;
  family?: string;
}

/** What the master uses of an accepted TCP handle. */
export interface RawHandle {
  getpeername(out: PeerName): number;
  close(callback?: () => void): void;
}

/** The reading side of a raw TCP handle (stream_wrap), as net.Socket drives it. */
export interface ReadableHandle extends RawHandle {
  onread: ((this: ReadableHandle, arrayBuffer: ArrayBuffer | undefined) => void) | null;
  readStart(): number;
  readStop(): number;
}

/** The writing side of a raw TCP handle (stream_wrap). */
interface WritableHandle extends RawHandle {
  writeBuffer(req: object, data: Uint8Array): number;
}

/** A bound TCP socket handle that is not listening yet (direct mode). */
export interface BoundHandle {
  getsockname(out: Record<string, unknown>): number;
  close(cb?: () => void): void;
}

/** The same handle as a worker receives it: it listens and accepts on it. */
export interface SharedListenHandle {
  close(): void;
  listen(backlog: number): number;
  onconnection: ((err: number, client?: RawHandle) => void) | null;
}

/** Called for each connection a listening handle accepts (err is a negative errno). */
export type ConnectionCallback = (err: number, handle?: RawHandle) => void;

/** Names, for PORTPLEX_UNSUPPORTED_NODE. */
export const TCP_READ = "tcp_wrap TCP.prototype readStart and readStop";
export const CREATE_SERVER_HANDLE = 'net._createServerHandle';
export const SERVER_HANDLE = "net.Server's _handle.onconnection";

type CreateServerHandle = (address: string | null, port: number, addressType: number, fd?: number, flags?: number) => BoundHandle | number;

/** True when raw TCP handles can be read without a net.Socket. */
export function probeTcpRead(): boolean {
  const TCP = binding('tcp_wrap')?.TCP as { prototype?: Record<string, unknown> } | undefined;
  return typeof TCP?.prototype?.readStart === 'function' && typeof TCP.prototype.readStop === 'function';
}

export function probeCreateServerHandle(): boolean {
  return typeof (net as unknown as { _createServerHandle?: unknown })._createServerHandle === 'function';
}

/** libuv's UV_TCP_IPV6ONLY not set: "::" also takes IPv4, as listen(port) does. */
const NO_FLAGS = 0;
/** libuv's UV_TCP_IPV6ONLY (uv.h: 1), which Node passes for listen({ ipv6Only: true }). */
const IPV6_ONLY = 1;

/**
 * Binds `host`:`port` without listening, through Node's own bind-without-listen (lib/net.js
 * createServerHandle). Returns the handle or a negative errno.
 */
export function createBoundHandle(host: string, port: number, family: 4 | 6, ipv6Only = false): BoundHandle | number {
  const create = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;
  if (typeof create !== 'function') throw unsupported(CREATE_SERVER_HANDLE);
  return create(host, port, family, undefined, ipv6Only ? IPV6_ONLY : NO_FLAGS);
}

/** A handle opened on an inherited descriptor: a TCP wrap (getsockname, getpeername) or a pipe wrap (neither). */
export interface FdHandle extends Partial<Pick<BoundHandle, 'getsockname'>> {
  getpeername?(out: PeerName): number;
  close(cb?: () => void): void;
}

/**
 * Opens a libuv handle on descriptor `fd` the way net.Server.listen({ fd }) does (lib/net.js
 * createServerHandle with a descriptor and no address): a TCP wrap for a TCP socket, a pipe wrap
 * for a Unix stream socket or a pipe; any other descriptor (a UDP socket, a file) gives UV_EINVAL
 * and is left as it was. Returns the handle or a negative errno.
 */
export function handleForFd(fd: number): FdHandle | number {
  const create = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;
  if (typeof create !== 'function') throw unsupported(CREATE_SERVER_HANDLE);
  // Address and port must be empty with a descriptor (Node asserts it).
  return create(null, 0, 0, fd) as FdHandle | number;
}

/**
 * Takes over a listening net.Server's accepts, as Node's cluster round-robin does: each
 * connection arrives as a raw handle, with no net.Socket built for it.
 */
export function takeAccepts(server: net.Server, onConnection: ConnectionCallback): void {
  const handle = (server as unknown as { _handle?: { onconnection?: unknown } | null })._handle;
  if (!handle || typeof handle.onconnection !== 'function') throw unsupported(SERVER_HANDLE);
  handle.onconnection = onConnection;
}

/**
 * The raw handle (a TCP wrap) of a listening net.Server, to pass to another process over an IPC
 * channel (child.send sends it as 'net.Native'): the receiver can listen on it with
 * net.Server.listen(handle) while the sender goes on accepting on its own copy.
 */
export function listeningHandle(server: net.Server): object | undefined {
  const handle = (server as unknown as { _handle?: object | null })._handle;
  return handle ?? undefined;
}

/** libuv's end-of-stream status (UV_EOF), the same on every platform. */
const UV_EOF = -4095;

function ignoreRead(): void {}

/**
 * Reads `handle` as libuv delivers it, with no net.Socket: `onData` gets each chunk (a view of
 * its own buffer), `onEnd` the client's FIN (true) or a reset (false). Returns the function that
 * stops reading, after which nothing more leaves the kernel buffer: the handle can be handed
 * over as it is. False from the start means the handle could not be read (it is closed).
 */
export function readRaw(handle: RawHandle, onData: (chunk: Buffer) => void, onEnd: (eof: boolean) => void): (() => void) | false {
  const io = streamInternals();
  const h = handle as ReadableHandle;
  const stop = (): void => {
    h.readStop();
    h.onread = ignoreRead;
  };
  h.onread = function (arrayBuffer) {
    const nread = io.state[io.kReadBytesOrError]!;
    if (nread === 0) return;
    if (nread < 0 || arrayBuffer === undefined) {
      onEnd(nread === UV_EOF);
      return;
    }
    onData(Buffer.from(arrayBuffer, io.state[io.kArrayBufferOffset], nread));
  };
  if (h.readStart() !== 0) {
    stop();
    return false;
  }
  return stop;
}

function ignoreWrite(): void {}

/**
 * Writes `bytes` to `handle` if the kernel takes them at once; true when it did. Meant for a
 * last word before closing: a connection that was only read has an empty send buffer, so a short
 * answer fits. A write that had to wait is cancelled by the close that follows (libuv then calls
 * oncomplete with ECANCELED, which is ignored).
 */
export function writeNow(handle: RawHandle, bytes: Buffer): boolean {
  const io = streamInternals();
  const req = new io.WriteWrap();
  req.oncomplete = ignoreWrite;
  req.buffer = bytes;
  let err: number;
  try {
    err = (handle as WritableHandle).writeBuffer(req, bytes);
  } catch {
    return false;
  }
  return err === 0 && io.state[io.kLastWriteWasAsync] === 0;
}
