// stream_wrap's write request and its shared read state: what portplex's frames on the IPC pipe
// and the master's preread of a raw handle need below net.Socket.
import { binding } from './binding.js';
import { unsupported } from './unsupported.js';

/** A write request as StreamBase expects it; `oncomplete` runs only when the write went async. */
export interface WriteReq {
  oncomplete?: (this: WriteReq, status: number) => void;
  /** Keeps the written bytes alive until libuv is done with them. */
  buffer?: Uint8Array;
  /** Ours: who to tell when an async write completes. */
  done?: ((status: number) => void) | undefined;
}

export interface StreamInternals {
  readonly WriteWrap: new () => WriteReq;
  /** streamBaseState: onread finds the byte count and offset of the chunk here. */
  readonly state: Int32Array;
  readonly kReadBytesOrError: number;
  readonly kArrayBufferOffset: number;
  /** Set by each write: 0 when libuv wrote it at once and will not call oncomplete. */
  readonly kLastWriteWasAsync: number;
}

/** The stream_wrap members portplex reads, by name: what a PORTPLEX_UNSUPPORTED_NODE error names. */
export const STREAM_WRAP = "process.binding('stream_wrap') WriteWrap, streamBaseState, kReadBytesOrError, kArrayBufferOffset, kLastWriteWasAsync";

/** Reads stream_wrap afresh; undefined when any member is missing. */
export function probeStreamWrap(): StreamInternals | undefined {
  const b = binding('stream_wrap');
  if (!b || typeof b.WriteWrap !== 'function' || !(b.streamBaseState instanceof Int32Array) ||
    typeof b.kReadBytesOrError !== 'number' || typeof b.kArrayBufferOffset !== 'number' || typeof b.kLastWriteWasAsync !== 'number') {
    return undefined;
  }
  return Object.freeze({
    WriteWrap: b.WriteWrap as new () => WriteReq,
    state: b.streamBaseState,
    kReadBytesOrError: b.kReadBytesOrError,
    kArrayBufferOffset: b.kArrayBufferOffset,
    kLastWriteWasAsync: b.kLastWriteWasAsync,
  });
}

let cached: StreamInternals | undefined;

/** stream_wrap's write request and read state; throws PORTPLEX_UNSUPPORTED_NODE when missing. */
export function streamInternals(): StreamInternals {
  cached ??= probeStreamWrap();
  if (!cached) throw unsupported(STREAM_WRAP);
  return cached;
}
