// Reads the first bytes of an accepted connection in the master, bounded in bytes and time,
// then stops reading so that nothing more leaves the kernel buffer before the hand-over.
//
// NODE-IPC pitfall 2: pausing a socket loses bytes (what arrived meanwhile sits in the master's
// stream buffer). Here every chunk is taken as it arrives, the handle is stopped with
// readStop() (private, pinned in test/unit/node-internals.test.ts), anything still buffered is
// drained, and the bytes travel with the hand-over; the worker puts them back in front.
import net from 'node:net';
import type { RawHandle } from '../master/raw-handle.js';

/**
 * How a peek ended. 'eof': the client sent its FIN (it may still read the answer); the master
 * consumed that end of stream, so the hand-over must carry it. 'closed': reset, nothing to serve.
 */
export type PeekEnd = 'decided' | 'too-large' | 'timeout' | 'eof' | 'closed';

export interface PeekResult<D> {
  readonly end: PeekEnd;
  /** Every byte read, in order (empty when closed before any). */
  readonly bytes: Buffer;
  /** What `decide` returned, when end is 'decided'. */
  readonly decision: D | undefined;
}

export interface PeekLimits {
  /** Stop reading at this many bytes (NGINX preread buffer: 16 KiB). */
  readonly maxBytes: number;
  /** Stop waiting after this many ms. */
  readonly timeoutMs: number;
}

interface InternalSocket extends net.Socket {
  _handle: { readStop(): number; reading?: boolean } | null;
}

/**
 * Reads from `handle` until `decide(bytes)` returns something other than undefined, or a limit
 * is hit, or the client goes away; then calls `done` once. The handle stays open and is no
 * longer read: it can be handed over as it is.
 */
export function peek<D>(handle: RawHandle, limits: PeekLimits, decide: (bytes: Buffer) => D | undefined, done: (result: PeekResult<D>) => void): void {
  const socket = new net.Socket({ handle, readable: true, writable: true } as unknown as net.SocketConstructorOpts) as InternalSocket;
  const chunks: Buffer[] = [];
  let total = 0;
  let finished = false;
  const finish = (end: PeekEnd, decision: D | undefined): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    socket.removeListener('data', onData);
    if (end !== 'closed' && socket._handle) {
      const h = socket._handle;
      h.readStop();
      // Detach first: read() below may call _read(), which would start the handle reading
      // again (and swallow what belongs to the worker) if the socket still had it.
      socket._handle = null;
      // Anything the stream holds but has not emitted yet belongs in front of the rest.
      for (let c = socket.read() as Buffer | null; c !== null; c = socket.read() as Buffer | null) chunks.push(c);
      // net.Socket's own "reading" flag on the handle: the handle is fresh for its next owner.
      h.reading = false;
    }
    socket.removeAllListeners();
    socket.on('error', () => {});
    done({ end, bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), decision });
  };
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    total += chunk.length;
    const bytes = chunks.length === 1 ? chunk : Buffer.concat(chunks);
    if (chunks.length > 1) {
      chunks.length = 0;
      chunks.push(bytes);
    }
    const decision = decide(bytes);
    if (decision !== undefined) finish('decided', decision);
    else if (total >= limits.maxBytes) finish('too-large', undefined);
  };
  socket.on('data', onData);
  // allowHalfOpen is off for a wrapped handle by default; the end is all we need from it.
  socket.on('end', () => finish('eof', undefined));
  socket.on('error', () => finish('closed', undefined));
  const timer = setTimeout(() => finish('timeout', undefined), limits.timeoutMs);
}
