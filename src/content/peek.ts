// Reads the first bytes of an accepted connection in the master, bounded in bytes and time,
// then stops reading so that nothing more leaves the kernel buffer before the hand-over.
//
// NODE-IPC pitfall 2: pausing a socket loses bytes (what arrived meanwhile sits in the master's
// stream buffer). So there is no net.Socket here at all: the raw handle's own onread takes each
// chunk as libuv reads it, readStop() (pinned in test/unit/node-internals.test.ts) ends the
// reading, and the bytes travel with the hand-over; the worker puts them back in front.
import { streamInternals } from '../internals/stream-wrap.js';
import type { RawHandle, ReadableHandle } from '../internals/tcp-handle.js';

/** libuv's end-of-stream status (UV_EOF), the same on every platform. */
const UV_EOF = -4095;

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

function ignore(): void {}

/**
 * Reads from `handle` until `decide(bytes)` returns something other than undefined, or a limit
 * is hit, or the client goes away; then calls `done` once. The handle stays open and is no
 * longer read: it can be handed over as it is.
 */
export function peek<D>(handle: RawHandle, limits: PeekLimits, decide: (bytes: Buffer) => D | undefined, done: (result: PeekResult<D>) => void): void {
  const io = streamInternals();
  const h = handle as ReadableHandle;
  let bytes: Buffer = Buffer.alloc(0);
  let finished = false;
  const finish = (end: PeekEnd, decision: D | undefined): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    h.readStop();
    h.onread = ignore;
    done({ end, bytes, decision });
  };
  h.onread = function (arrayBuffer) {
    const nread = io.state[io.kReadBytesOrError];
    if (nread === 0) return;
    if (nread < 0 || arrayBuffer === undefined) {
      // The client's FIN (it may still read the answer), or a reset: nothing to serve then.
      finish(nread === UV_EOF ? 'eof' : 'closed', undefined);
      return;
    }
    // Each read has its own ArrayBuffer: a view is enough, and the only copy is on concatenation.
    const chunk = Buffer.from(arrayBuffer, io.state[io.kArrayBufferOffset], nread);
    bytes = bytes.length === 0 ? chunk : Buffer.concat([bytes, chunk]);
    const decision = decide(bytes);
    if (decision !== undefined) finish('decided', decision);
    else if (bytes.length >= limits.maxBytes) finish('too-large', undefined);
  };
  const timer = setTimeout(() => finish('timeout', undefined), limits.timeoutMs);
  if (h.readStart() !== 0) finish('closed', undefined);
}
