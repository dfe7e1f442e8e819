// The Node.js internals under portplex's own frames on the IPC channel, in one place.
//
// Node's child.send() costs a JSON round trip and an acknowledgement per handle (one handle in
// flight per child); writing our frames on the same pipe, next to Node's JSON messages, does not.
// What that needs is not public API: the raw pipe of the channel (the kChannelHandle symbol on
// the ChildProcess and on process), its onread/pendingHandle/writeBuffer, and stream_wrap's
// WriteWrap and read state. test/unit/node-internals.test.ts pins each of them.
import { CODES, PortplexError } from '../errors.js';

/** A write request as StreamBase expects it; `oncomplete` runs only when the write went async. */
export interface WriteReq {
  oncomplete?: (this: WriteReq, status: number) => void;
  /** Keeps the written bytes alive until libuv is done with them. */
  buffer?: Uint8Array;
  /** Ours: who to tell when an async write completes. */
  done?: ((status: number) => void) | undefined;
}

/** The channel's libuv pipe as JavaScript sees it (a Pipe wrap opened in IPC mode). */
export interface RawPipe {
  onread: (this: RawPipe, arrayBuffer: ArrayBuffer | undefined) => void;
  /** Set by Node's C++ side just before onread when the read brought a descriptor. */
  pendingHandle: unknown;
  writeBuffer(req: WriteReq, data: Uint8Array, handle?: unknown): number;
}

interface StreamWrapBinding {
  WriteWrap: new () => WriteReq;
  streamBaseState: Int32Array;
  kReadBytesOrError: number;
  kArrayBufferOffset: number;
  kLastWriteWasAsync: number;
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

let cached: StreamInternals | undefined;

/** stream_wrap's write request and read state; throws a PortplexError naming what is missing. */
export function streamInternals(): StreamInternals {
  if (cached) return cached;
  const proc = process as unknown as { binding?: (name: string) => unknown; noDeprecation?: boolean };
  let b: Partial<StreamWrapBinding> | undefined;
  // Newer Node releases may warn once about process.binding (DEP0111); this use is deliberate
  // and pinned by tests, so the application's stderr should not carry that warning.
  const quiet = proc.noDeprecation;
  try {
    proc.noDeprecation = true;
    b = proc.binding?.('stream_wrap') as Partial<StreamWrapBinding> | undefined;
  } catch {
    b = undefined;
  } finally {
    proc.noDeprecation = quiet;
  }
  if (!b || typeof b.WriteWrap !== 'function' || !(b.streamBaseState instanceof Int32Array) ||
    typeof b.kReadBytesOrError !== 'number' || typeof b.kArrayBufferOffset !== 'number' || typeof b.kLastWriteWasAsync !== 'number') {
    throw new PortplexError(CODES.UNSUPPORTED_NODE, `portplex needs Node's stream_wrap binding (WriteWrap, streamBaseState), which Node ${process.version} does not expose; use Node 20, 22 or 24`);
  }
  cached = Object.freeze({ WriteWrap: b.WriteWrap, state: b.streamBaseState, kReadBytesOrError: b.kReadBytesOrError, kArrayBufferOffset: b.kArrayBufferOffset, kLastWriteWasAsync: b.kLastWriteWasAsync });
  return cached;
}

/** The raw pipe of `target`'s IPC channel (a ChildProcess, or process in a child); undefined when it has none. */
export function channelPipe(target: object): RawPipe | undefined {
  const key = Object.getOwnPropertySymbols(target).find((s) => s.description === 'kChannelHandle');
  const pipe = key === undefined ? undefined : (target as Record<symbol, unknown>)[key] as RawPipe | null | undefined;
  if (!pipe || typeof pipe.onread !== 'function' || typeof pipe.writeBuffer !== 'function') return undefined;
  return pipe;
}
