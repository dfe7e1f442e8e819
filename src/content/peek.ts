// Reads the first bytes of an accepted connection in the master, bounded in bytes and time,
// then stops reading so that nothing more leaves the kernel buffer before the hand-over.
//
// NODE-IPC pitfall 2: pausing a socket loses bytes (what arrived meanwhile sits in the master's
// stream buffer). So there is no net.Socket here at all: the raw handle is read as libuv reads
// it (internals/tcp-handle.ts readRaw), the reading stops once a decision is made, and the
// bytes travel with the hand-over; the worker puts them back in front.
import { readRaw, type RawHandle } from '../internals/tcp-handle.js';

/**
 * How a peek ended. 'eof': the client sent its FIN (it may still read the answer); the master
 * consumed that end of stream, so the hand-over must carry it. 'closed': reset, nothing to serve.
 * 'cancelled': its owner ended it (the master sheds the oldest reads when it must).
 */
export type PeekEnd = 'decided' | 'too-large' | 'timeout' | 'eof' | 'closed' | 'cancelled';

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

/**
 * Reads from `handle` until `decide(bytes)` returns something other than undefined, or a limit
 * is hit, or the client goes away, or the returned function is called ('cancelled'); then calls
 * `done` once. The handle stays open and is no longer read: it can be handed over as it is.
 *
 * Memory: what was read (less than maxBytes plus one read; libuv reads up to 64 KiB at a time),
 * in a buffer grown by doubling up to maxBytes: a head trickled a byte at a time costs a few
 * allocations, not one per byte.
 */
export function peek<D>(handle: RawHandle, limits: PeekLimits, decide: (bytes: Buffer) => D | undefined, done: (result: PeekResult<D>) => void): () => void {
  let bytes: Buffer = Buffer.alloc(0);
  /** Where bytes read in several parts are gathered: `bytes` is a view of its start. */
  let store: Buffer | undefined;
  let finished = false;
  let stop: (() => void) | false = false;
  const finish = (end: PeekEnd, decision: D | undefined): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    if (stop) stop();
    done({ end, bytes, decision });
  };
  const timer = setTimeout(() => finish('timeout', undefined), limits.timeoutMs);
  stop = readRaw(handle, (chunk) => {
    // Each read has its own ArrayBuffer: a view is enough for the first; later ones are copied.
    if (bytes.length === 0) bytes = chunk;
    else {
      const length = bytes.length + chunk.length;
      if (store === undefined || store.length < length) {
        // Outside Node's shared pool: a slice of it would keep its whole 8 KiB slab alive.
        const grown = Buffer.allocUnsafeSlow(Math.max(length, Math.min(2 * length, limits.maxBytes), 256));
        bytes.copy(grown, 0);
        store = grown;
      }
      chunk.copy(store, bytes.length);
      bytes = store.subarray(0, length);
    }
    const decision = decide(bytes);
    if (decision !== undefined) finish('decided', decision);
    else if (bytes.length >= limits.maxBytes) finish('too-large', undefined);
  }, (eof) => {
    // The client's FIN (it may still read the answer), or a reset: nothing to serve then.
    finish(eof ? 'eof' : 'closed', undefined);
  });
  if (stop === false) finish('closed', undefined);
  return () => finish('cancelled', undefined);
}

