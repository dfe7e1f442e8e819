// The worker's side of the IPC channel: sends our messages, batches acks and close reports.
// One per process, made by the runtime (runtime.ts) and given to each piece that talks to the
// master; those pieces know it by the MasterChannel interface, so a test can give them a fake.
import type net from 'node:net';
import { cachedPeer } from '../internals/net-server.js';
import type { FrameChannel } from '../ipc/frame-channel.js';
import { encodeAccepted, encodeAcks, encodeForward, type AcceptReport } from '../ipc/frames.js';
import { CMD, type ToMaster } from '../ipc/protocol.js';
import { guarded } from './faults.js';

/** What the runtime's pieces tell the master. */
export interface MasterChannel {
  /** Sends one message to the master if the channel is still open. */
  send(message: ToMaster): void;
  /** Writes one frame to the master (no descriptor); dropped if the channel is gone. */
  sendFrame(frame: Buffer): void;
  /**
   * Hands a connection back to the master with the bytes read (direct mode's rare hand-over);
   * `sent` runs once its descriptor has left (or could not): this process may then close its copy.
   */
  forward(listener: number, bytes: Uint8Array, eof: boolean, handle: unknown, sent: () => void): void;
  /** Acknowledges a handed-over connection (leaves at the end of this turn, with the turn's others). */
  ack(id: number): void;
  /** Refuses a handed-over connection: the master gives it to another worker. */
  refuse(id: number, why: string): void;
  /** Queues word that the application has begun on connection `id`. */
  reportBegun(id: number): void;
  /** Queues the close of connection `id`. */
  reportClose(id: number): void;
  /** Queues the report of a connection accepted directly (direct mode). */
  reportAccept(seq: number, listener: number): void;
  /** Sends pending accept reports now; anything that reports a close must call this first. */
  flushAccepts(): void;
  /** Sends pending acks and close reports now (also before answering 'held?', and on shutdown). */
  flushReports(): void;
}

/** The end of the IPC channel in this process (`process`): its JSON messages and whether it is open. */
export interface IpcEnd {
  readonly connected: boolean;
  send?: (message: unknown, sendHandle: undefined, options: undefined, callback: (err: Error | null) => void) => boolean;
}

/** Where frames are written: the runtime's FrameChannel. */
export type FrameWriter = Pick<FrameChannel, 'write'>;

/** Ids per A frame: a burst of closes goes out in frames of bounded size. */
const IDS_PER_FRAME = 65536;

/**
 * ms an accept report may wait to share a message with later ones (direct mode): the master's
 * table lags the worker by at most this plus the IPC trip. One message per connection would cost
 * the worker more than the accept itself.
 */
export const ACCEPT_REPORT_DELAY = 10;

// A send whose channel is gone must not throw or emit 'error' in the application's process.
const ignore = (): void => {};

/** The MasterChannel of a worker process: JSON messages through Node, the rest as frames. */
export class IpcMasterChannel implements MasterChannel {
  private taken: number[] = [];
  private begun: number[] = [];
  private closed: number[] = [];
  private ackFlush: NodeJS.Immediate | undefined;
  /** Acks that go out at once, without waiting for the turn to end: half the master's window (ENV.ackBatch). */
  private readonly ackBatch: number;
  private accepted: AcceptReport[] = [];
  private acceptFlush: NodeJS.Timeout | undefined;

  constructor(
    private readonly ipc: IpcEnd,
    /** Frames acks, close reports and hand-backs travel on; none: they are dropped. */
    private readonly frames: FrameWriter | undefined,
    ackBatch: number,
    /**
     * The open socket of a direct connection number, to read its peer cache when the report
     * leaves. A lookup, not a reference in the queue: a closed socket must not be kept alive for
     * the report (holding them made young-generation collections copy them, about 1 µs per
     * connection).
     */
    private readonly socketOf: (seq: number) => net.Socket | undefined,
  ) {
    this.ackBatch = Number.isInteger(ackBatch) && ackBatch >= 1 ? ackBatch : 1;
  }

  send(message: ToMaster): void {
    const ipc = this.ipc;
    if (typeof ipc.send === 'function' && ipc.connected) {
      try {
        ipc.send(message, undefined, undefined, ignore);
      } catch {
        // Channel closed between the check and the send: the master is gone, nothing to tell.
      }
    }
  }

  sendFrame(frame: Buffer): void {
    if (this.frames !== undefined && this.ipc.connected) this.frames.write(frame);
  }

  forward(listener: number, bytes: Uint8Array, eof: boolean, handle: unknown, sent: () => void): void {
    if (this.frames === undefined || !this.ipc.connected || !this.frames.write(encodeForward(listener, bytes, eof), handle, sent)) sent();
  }

  /**
   * The report names the client only if the application has asked for it by the time it leaves:
   * a getpeername per connection cost the worker about 3% of its rate, for an address that is
   * mostly never read. The master asks for the rest when its table is read ('peers?').
   */
  reportAccept(seq: number, listener: number): void {
    this.accepted.push({ seq, listener, address: '', port: 0 });
    this.later();
  }

  /** Within ACCEPT_REPORT_DELAY: what direct mode reports, for the table only. */
  private later(): void {
    if (this.acceptFlush === undefined) {
      this.acceptFlush = setTimeout(this.flushLater, ACCEPT_REPORT_DELAY);
      this.acceptFlush.unref();
    }
  }

  private readonly flushLater = guarded('report', () => {
    // Gone, whatever happens next: a fault below must not leave a timer that never fires again.
    this.acceptFlush = undefined;
    if (this.closed.length > 0) this.flushReports();
    else this.flushAccepts();
  });

  flushAccepts(): void {
    if (this.acceptFlush !== undefined) {
      clearTimeout(this.acceptFlush);
      this.acceptFlush = undefined;
    }
    if (this.accepted.length === 0) return;
    const a = this.accepted;
    this.accepted = [];
    const frames = this.frames;
    if (frames === undefined || !this.ipc.connected) return;
    for (const r of a) {
      // Closed already: its close goes out with this report, the record never read.
      const peer = cachedPeer(this.socketOf(r.seq));
      if (peer !== undefined && typeof peer.address === 'string' && typeof peer.port === 'number') {
        r.address = peer.address;
        r.port = peer.port;
      }
    }
    for (let i = 0; i < a.length; i += IDS_PER_FRAME) frames.write(encodeAccepted(a.length <= IDS_PER_FRAME ? a : a.slice(i, i + IDS_PER_FRAME)));
  }

  /**
   * The acks of one turn of the event loop leave together when the turn's I/O is done
   * (setImmediate: before any request on them runs its handler, so a handler that blocks cannot
   * hold its own ack back), with any close reports waiting.
   */
  ack(id: number): void {
    this.taken.push(id);
    if (this.taken.length >= this.ackBatch) this.flushReports();
    else this.soon();
  }

  /**
   * A handed-over connection's close leaves at the end of this turn of the event loop, with the
   * turn's acks. Least-connections counts what is open from these reports, so a close reported
   * late makes an idle worker look busy (a 10 ms delay here made it send light requests to a
   * worker in the middle of a heavy one, for want of telling them apart). A connection accepted
   * here (direct mode, negative numbers) was not picked by the master, whose table alone needs
   * its close: that goes with the accept reports, within ACCEPT_REPORT_DELAY, one write for many
   * (a write per turn cost direct mode a sixth of its new-connection rate and three times the
   * master's CPU).
   */
  reportClose(id: number): void {
    this.closed.push(id);
    if (id >= 0) this.soon();
    else this.later();
  }

  /**
   * The application has begun on connection `id` (it wrote to it at once, or was given bytes
   * the master read): the master's copy of it, kept so that a crash of ours loses nothing
   * untouched, can go. It leaves at the end of this turn, with the turn's other reports.
   */
  reportBegun(id: number): void {
    this.begun.push(id);
    this.soon();
  }

  private soon(): void {
    this.ackFlush ??= setImmediate(this.flushSoon);
  }

  private readonly flushSoon = guarded('report', () => {
    this.ackFlush = undefined;
    this.flushReports();
  });

  flushReports(): void {
    if (this.ackFlush !== undefined) {
      clearImmediate(this.ackFlush);
      this.ackFlush = undefined;
    }
    if (this.taken.length === 0 && this.begun.length === 0 && this.closed.length === 0) return;
    // A close must never reach the master before the accept it closes.
    if (this.closed.length > 0) this.flushAccepts();
    const t = this.taken;
    const g = this.begun;
    const c = this.closed;
    this.taken = [];
    this.begun = [];
    this.closed = [];
    const frames = this.frames;
    if (frames === undefined || !this.ipc.connected) return;
    if (t.length + g.length + c.length <= IDS_PER_FRAME) {
      frames.write(encodeAcks(t, g, c));
      return;
    }
    // In order: what was taken before what began, what began before what closed.
    for (let i = 0; i < t.length; i += IDS_PER_FRAME) frames.write(encodeAcks(t.slice(i, i + IDS_PER_FRAME), [], []));
    for (let i = 0; i < g.length; i += IDS_PER_FRAME) frames.write(encodeAcks([], g.slice(i, i + IDS_PER_FRAME), []));
    for (let i = 0; i < c.length; i += IDS_PER_FRAME) frames.write(encodeAcks([], [], c.slice(i, i + IDS_PER_FRAME)));
  }

  refuse(id: number, why: string): void {
    this.send({ cmd: CMD, t: 'r', i: id, why });
  }
}
