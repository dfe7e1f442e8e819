// Our frames (frames.ts) on Node's IPC pipe, beside Node's own JSON messages.
//
// Reading: the pipe's onread is wrapped. Each chunk is split at message boundaries: Node's JSON
// lines go on to Node's own reader (it finds them through streamBaseState's offset and length,
// which we set for each range), our frames go to onFrame. Order holds: Node emits its messages
// on process.nextTick, so a frame that follows Node text in a chunk is handed over on nextTick
// too, behind them.
//
// Descriptors: Linux ends a read after a message that carries descriptors, and attaches them to
// the read holding that message's first byte. So the descriptor of a chunk belongs to the last
// message that starts in it, or to the one it continues: a frame completing at the chunk's end,
// a frame still partial there, or Node's last message (its reader keeps it for its NODE_HANDLE).
//
// Junk: what cannot be read (a line Node's reader cannot parse, a line longer than MAX_LINE, a
// frame claiming more than MAX_PAYLOAD) breaks the channel: onBroken is told why, once, and no
// Node line after it is read (Node's reader is left unusable). Frames are still read while their
// boundaries are known (after a bad line), so that the peer's last reports of the connections it
// took and began on still count when it is replaced; after a bad length nothing more is read.
// Nothing is thrown out of the reader.
//
// Writing: one frame per writeBuffer() call; libuv keeps writes whole and in order, so frames
// never interleave with Node's messages. A descriptor rides on the write of its frame.
import { FRAME_MARK, HEADER_BYTES, MAX_PAYLOAD, carriesHandle } from './frames.js';
import { channelPipe, type RawPipe } from '../internals/channel-pipe.js';
import { streamInternals, type StreamInternals, type WriteReq } from '../internals/stream-wrap.js';

/** A descriptor as it arrives: a raw handle that must be closed if nobody takes it. */
export interface ReceivedHandle { close(): void }

/** Receives one frame: its payload is b[start, end), valid until the callback returns. */
export type FrameHandler = (type: number, b: Buffer, start: number, end: number, handle: ReceivedHandle | undefined) => void;

/**
 * Why a channel was given up: `not_json` (Node's reader could not parse a line), `line_too_long`
 * (no newline within MAX_LINE bytes), `frame_too_long` (a frame claims more than MAX_PAYLOAD),
 * `node_handle` (a Node handle message that was never sent for, or names no descriptor it has).
 */
export const BROKEN_REASONS = Object.freeze(['not_json', 'line_too_long', 'frame_too_long', 'node_handle'] as const);
export type BrokenReason = typeof BROKEN_REASONS[number];

/** The peer sent what cannot be read: `why` says what, for a log line. */
export type BrokenHandler = (reason: BrokenReason, why: string) => void;

/**
 * The longest line of Node's JSON the reader passes on. Node's own reader has no bound (it
 * appends to one string until V8's string limit or the heap gives out); a worker's largest
 * messages (its metrics) stay far below this.
 */
export const MAX_LINE = MAX_PAYLOAD;

const NEWLINE = 0x0a;

const enum Mode { Boundary, Node, Frame }

// One function for every write request: `this` is the request.
function onWriteDone(this: WriteReq, status: number): void {
  const done = this.done;
  this.done = undefined;
  this.buffer = undefined;
  if (done) done(status);
}

export class FrameChannel {
  /** The peer sent what cannot be read: the channel is then given up. */
  corrupt = false;
  /** Where a message starts is no longer known: nothing more is read. */
  private lost = false;
  private readonly io: StreamInternals;
  private readonly nodeRead: RawPipe['onread'];
  private mode = Mode.Boundary;
  private readonly head = Buffer.alloc(HEADER_BYTES);
  private headFill = 0;
  /** Bytes of the Node line being read that came in earlier chunks. */
  private lineBytes = 0;
  private type = 0;
  private payload: Buffer | undefined;
  private fill = 0;
  /** The descriptor that came with an earlier chunk of the frame being read. */
  private frameHandle: ReceivedHandle | undefined;
  private closed = false;

  private constructor(
    private readonly pipe: RawPipe,
    private readonly onFrame: FrameHandler,
    /** The peer sent what cannot be framed: nothing it sends can be trusted any more. */
    private readonly onBroken: BrokenHandler,
  ) {
    this.io = streamInternals();
    this.nodeRead = pipe.onread;
    const self = this;
    pipe.onread = function (this: RawPipe, arrayBuffer: ArrayBuffer | undefined): void {
      self.read(arrayBuffer);
    };
  }

  /** Frames on `target`'s IPC channel (a ChildProcess, or process in a worker); undefined without one. */
  static open(target: object, onFrame: FrameHandler, onBroken: BrokenHandler): FrameChannel | undefined {
    const pipe = channelPipe(target);
    return pipe ? new FrameChannel(pipe, onFrame, onBroken) : undefined;
  }

  /**
   * Writes one encoded frame, with its descriptor. `done` runs with the libuv status once the
   * bytes (and descriptor) left (at once, or later when the pipe was full); false if the write
   * failed at once (the channel is closed: the process is on its way out).
   */
  write(frame: Buffer, handle?: unknown, done?: (status: number) => void): boolean {
    if (this.closed) return false;
    const req = new this.io.WriteWrap();
    req.oncomplete = onWriteDone;
    req.buffer = frame;
    req.done = done;
    let err: number;
    try {
      err = this.pipe.writeBuffer(req, frame, handle);
    } catch {
      // The pipe was closed under us (Node tears the wrap down on disconnect).
      err = -9; // EBADF
    }
    if (err !== 0) return false;
    // Written at once: libuv will not call back.
    if (this.io.state[this.io.kLastWriteWasAsync] === 0) {
      req.done = undefined;
      req.buffer = undefined;
      done?.(0);
    }
    return true;
  }

  private read(arrayBuffer: ArrayBuffer | undefined): void {
    const pipe = this.pipe;
    const io = this.io;
    let handle = pipe.pendingHandle as ReceivedHandle | null | undefined ?? undefined;
    pipe.pendingHandle = null;
    const nread = io.state[io.kReadBytesOrError];
    if (this.lost && arrayBuffer !== undefined && nread > 0) {
      // Nothing after a bad length can be framed again: what the peer sends now is discarded.
      this.drop(handle);
      return;
    }
    if (arrayBuffer === undefined || nread <= 0) {
      // End of stream or an error: Node's reader closes the channel.
      this.closed = true;
      this.drop(handle);
      this.drop(this.frameHandle);
      this.frameHandle = undefined;
      this.nodeRead.call(pipe, arrayBuffer);
      return;
    }
    const base = io.state[io.kArrayBufferOffset];
    const chunk = Buffer.from(arrayBuffer, base, nread);
    let i = 0;
    let nodeStart = -1;
    let deferred = false;
    while (i < nread) {
      if (this.mode === Mode.Boundary) {
        if (chunk[i] === FRAME_MARK) {
          this.mode = Mode.Frame;
          this.headFill = 0;
        } else {
          this.mode = Mode.Node;
          this.lineBytes = 0;
          if (nodeStart < 0) nodeStart = i;
        }
      }
      if (this.mode === Mode.Node) {
        if (nodeStart < 0) nodeStart = i; // a Node line continued from the previous chunk
        const nl = chunk.indexOf(NEWLINE, i);
        const line = this.lineBytes + (nl < 0 ? nread : nl) - i;
        if (line > MAX_LINE) return this.fail('line_too_long', `a line of over ${MAX_LINE} bytes`, handle, true);
        if (nl < 0) {
          this.lineBytes = line;
          i = nread;
          break;
        }
        i = nl + 1;
        this.mode = Mode.Boundary;
        continue;
      }
      // Our frame: hand Node what came before it first, so its messages keep their place.
      if (nodeStart >= 0) {
        this.toNode(arrayBuffer, base, nodeStart, i, undefined);
        nodeStart = -1;
        deferred = true;
      }
      if (this.payload === undefined) {
        const take = Math.min(HEADER_BYTES - this.headFill, nread - i);
        chunk.copy(this.head, this.headFill, i, i + take);
        this.headFill += take;
        i += take;
        if (this.headFill < HEADER_BYTES) break;
        this.type = this.head[1];
        const len = this.head.readUInt32LE(2);
        if (len > MAX_PAYLOAD) return this.fail('frame_too_long', `a frame claims ${len} bytes`, handle, true);
        // A whole frame inside this chunk is read in place; one split across chunks is assembled.
        if (nread - i >= len) {
          const end = i + len;
          const h = this.claim(end === nread, handle);
          if (h !== undefined && h === handle) handle = undefined;
          this.mode = Mode.Boundary;
          this.deliver(deferred, chunk, i, end, h);
          i = end;
          continue;
        }
        this.payload = Buffer.allocUnsafe(len);
        this.fill = 0;
      }
      const want = this.payload.length - this.fill;
      const take = Math.min(want, nread - i);
      chunk.copy(this.payload, this.fill, i, i + take);
      this.fill += take;
      i += take;
      if (this.fill < this.payload.length) break;
      const payload = this.payload;
      this.payload = undefined;
      this.mode = Mode.Boundary;
      const h = this.claim(i === nread, handle);
      if (h !== undefined && h === handle) handle = undefined;
      this.deliver(deferred, payload, 0, payload.length, h);
    }
    if (nodeStart >= 0) {
      // Node's message is the last in the chunk: the descriptor, if any, is its.
      // Node's reader owns the descriptor now, or it was closed (the channel is broken).
      this.toNode(arrayBuffer, base, nodeStart, nread, handle);
      handle = undefined;
    } else if (this.mode === Mode.Frame && handle !== undefined) {
      // A frame still partial at the end of the chunk started in it (or continues): it is its.
      this.drop(this.frameHandle);
      this.frameHandle = handle;
      handle = undefined;
    }
    // A descriptor nobody can own (a sender that broke the rules): closed, never leaked.
    this.drop(handle);
  }

  /** The descriptor of the frame completing now: one from an earlier chunk, or this chunk's if the frame ends it. */
  private claim(atEnd: boolean, handle: ReceivedHandle | undefined): ReceivedHandle | undefined {
    const earlier = this.frameHandle;
    this.frameHandle = undefined;
    if (earlier !== undefined) return earlier;
    return atEnd ? handle : undefined;
  }

  private deliver(deferred: boolean, b: Buffer, start: number, end: number, handle: ReceivedHandle | undefined): void {
    const type = this.type;
    if (handle !== undefined && !carriesHandle(type)) {
      this.drop(handle);
      handle = undefined;
    }
    if (deferred) {
      process.nextTick(this.guarded, type, b, start, end, handle);
      return;
    }
    this.guarded(type, b, start, end, handle);
  }

  /**
   * onFrame, with what an application's handler throws (a 'connection' or 'message' listener)
   * held back: the rest of the chunk must still be read, or the stream loses its framing, and a
   * throw inside a deferred delivery would stop the tick queue with Node's messages and our
   * frames still in it. The error surfaces as it would have, uncaught, once the turn's I/O is done.
   */
  private readonly guarded: FrameHandler = (type, b, start, end, handle) => {
    try {
      this.onFrame(type, b, start, end, handle);
    } catch (err) {
      rethrow(err);
    }
  };

  /**
   * Passes chunk bytes [start, end) to Node's own reader, with the descriptor if it is theirs;
   * once the channel is broken, drops them (and closes the descriptor).
   *
   * Node's reader emits its messages on nextTick, so listeners never throw in here: what does is
   * the reader itself, JSON.parse of a line that is not JSON (a SyntaxError Node would let
   * escape, killing the process). That reader cannot be used again: its partial-line buffer was
   * left as it was before the parse, and the lines after the bad one are gone.
   */
  private toNode(arrayBuffer: ArrayBuffer, base: number, start: number, end: number, handle: ReceivedHandle | undefined): void {
    if (this.corrupt) {
      this.drop(handle);
      return;
    }
    const io = this.io;
    io.state[io.kArrayBufferOffset] = base + start;
    io.state[io.kReadBytesOrError] = end - start;
    this.pipe.pendingHandle = handle ?? null;
    try {
      this.nodeRead.call(this.pipe, arrayBuffer);
    } catch (err) {
      // The descriptor, if Node's reader had not handed it to a message yet, would stay there.
      this.fail('not_json', `a line that is not JSON (${err instanceof Error ? err.message : String(err)})`, handle, false);
    }
  }

  /**
   * The channel is broken for `reason`, found outside the reader (a Node message that Node itself
   * would choke on): nothing more is read from the peer. Once only.
   */
  broken(reason: BrokenReason, why: string): void {
    this.fail(reason, why, undefined, false);
  }

  /** Breaks the channel (told once); `lost`: the stream's framing too, so nothing more is read. */
  private fail(reason: BrokenReason, why: string, handle: ReceivedHandle | undefined, lost: boolean): void {
    const first = !this.corrupt;
    this.corrupt = true;
    this.drop(handle);
    if (!lost) {
      if (first) this.onBroken(reason, why);
      return;
    }
    this.lost = true;
    this.drop(this.frameHandle);
    this.frameHandle = undefined;
    this.payload = undefined;
    if (first) this.onBroken(reason, why);
  }

  private drop(handle: ReceivedHandle | undefined | null): void {
    if (handle && typeof handle.close === 'function') handle.close();
  }
}

/**
 * Throws `err` once this turn's I/O is done (setImmediate): uncaught, as it would have been, but
 * outside the read loop. Not on nextTick: a throw there stops the tick queue, and Node's JSON
 * messages and our deferred frames still queued behind it would then run after the frames of the
 * next read, out of order.
 */
function rethrow(err: unknown): void {
  setImmediate(() => { throw err; });
}
