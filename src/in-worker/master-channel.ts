// The worker's side of the IPC channel: sends our messages, batches acks and close reports.
import type net from 'node:net';
import { cachedPeer } from '../internals/net-server.js';
import type { FrameChannel } from '../ipc/frame-channel.js';
import { encodeAccepted, encodeAcks, encodeForward, type AcceptReport } from '../ipc/frames.js';
import { CMD, type ToMaster } from '../ipc/protocol.js';
import { guarded } from './faults.js';

// A send whose channel is gone must not throw or emit 'error' in the application's process.
const ignore = (): void => {};

/** Sends one message to the master if the channel is still open. */
export function sendToMaster(message: ToMaster): void {
  if (typeof process.send === 'function' && process.connected) {
    try {
      process.send(message, undefined, undefined, ignore);
    } catch {
      // Channel closed between the check and the send: the master is gone, nothing to tell.
    }
  }
}

let frames: FrameChannel | undefined;

/** The frame channel acks, close reports and hand-backs travel on. */
export function useFrames(channel: FrameChannel | undefined): void {
  frames = channel;
}

/** Writes one frame to the master (no descriptor); dropped if the channel is gone. */
export function sendFrame(frame: Buffer): void {
  if (frames !== undefined && process.connected) frames.write(frame);
}

/**
 * Hands a connection back to the master with the bytes read (direct mode's rare hand-over);
 * `sent` runs once its descriptor has left (or could not): this process may then close its copy.
 */
export function forwardToMaster(listener: number, bytes: Uint8Array, eof: boolean, handle: unknown, sent: () => void): void {
  if (frames === undefined || !process.connected || !frames.write(encodeForward(listener, bytes, eof), handle, sent)) sent();
}

/** Ids per A frame: a burst of closes goes out in frames of bounded size. */
const IDS_PER_FRAME = 65536;

let taken: number[] = [];
let begun: number[] = [];
let closed: number[] = [];
let ackFlush: NodeJS.Immediate | undefined;
/** Acks that go out at once, without waiting for the turn to end: half the master's window (ENV.ackBatch). */
let ackBatch = 1;

/** Sets how many acks may be gathered before they must go. */
export function setAckBatch(n: number): void {
  ackBatch = Number.isInteger(n) && n >= 1 ? n : 1;
}
let accepted: AcceptReport[] = [];
/**
 * The open socket of a direct connection number, to read its peer cache when the report leaves.
 * A lookup, not a reference in the queue: a closed socket must not be kept alive for the report
 * (holding them made young-generation collections copy them, about 1 µs per connection).
 */
let socketOf: (seq: number) => net.Socket | undefined = () => undefined;

/** Sets how flushAccepts() finds the socket of a reported connection. */
export function setSocketLookup(lookup: (seq: number) => net.Socket | undefined): void {
  socketOf = lookup;
}
let acceptFlush: NodeJS.Timeout | undefined;

/**
 * ms an accept report may wait to share a message with later ones (direct mode): the master's
 * table lags the worker by at most this plus the IPC trip. One message per connection would cost
 * the worker more than the accept itself.
 */
export const ACCEPT_REPORT_DELAY = 10;

/**
 * Queues the report of a connection accepted directly (direct mode). The report names the client
 * only if the application has asked for it by the time it leaves: a getpeername per connection
 * cost the worker about 3% of its rate, for an address that is mostly never read. The master
 * asks for the rest when its table is read ('peers?').
 */
export function reportAccept(seq: number, listener: number): void {
  accepted.push({ seq, listener, address: '', port: 0 });
  later();
}

/** Within ACCEPT_REPORT_DELAY: what direct mode reports, for the table only. */
function later(): void {
  if (acceptFlush === undefined) {
    acceptFlush = setTimeout(flushLaterGuarded, ACCEPT_REPORT_DELAY);
    acceptFlush.unref();
  }
}

function flushLater(): void {
  // Gone, whatever happens next: a fault below must not leave a timer that never fires again.
  acceptFlush = undefined;
  if (closed.length > 0) flushReports();
  else flushAccepts();
}
const flushLaterGuarded = guarded('report', flushLater);

/** Sends pending accept reports now; anything that reports a close must call this first. */
export function flushAccepts(): void {
  if (acceptFlush !== undefined) {
    clearTimeout(acceptFlush);
    acceptFlush = undefined;
  }
  if (accepted.length === 0) return;
  const a = accepted;
  accepted = [];
  if (frames === undefined || !process.connected) return;
  for (const r of a) {
    // Closed already: its close goes out with this report, the record never read.
    const peer = cachedPeer(socketOf(r.seq));
    if (peer !== undefined && typeof peer.address === 'string' && typeof peer.port === 'number') {
      r.address = peer.address;
      r.port = peer.port;
    }
  }
  for (let i = 0; i < a.length; i += IDS_PER_FRAME) frames.write(encodeAccepted(a.length <= IDS_PER_FRAME ? a : a.slice(i, i + IDS_PER_FRAME)));
}

/**
 * Acknowledges a handed-over connection. The acks of one turn of the event loop leave together
 * when the turn's I/O is done (setImmediate: before any request on them runs its handler, so a
 * handler that blocks cannot hold its own ack back), with any close reports waiting.
 */
export function ack(id: number): void {
  taken.push(id);
  if (taken.length >= ackBatch) flushReports();
  else soon();
}

/**
 * Queues the close of connection `id`: a handed-over one's leaves at the end of this turn of the
 * event loop, with the turn's acks. Least-connections counts what is open from these reports, so
 * a close reported late makes an idle worker look busy (a 10 ms delay here made it send light
 * requests to a worker in the middle of a heavy one, for want of telling them apart). A
 * connection accepted here (direct mode, negative numbers) was not picked by the master, whose
 * table alone needs its close: that goes with the accept reports, within ACCEPT_REPORT_DELAY,
 * one write for many (a write per turn cost direct mode a sixth of its new-connection rate and
 * three times the master's CPU).
 */
export function reportClose(id: number): void {
  closed.push(id);
  if (id >= 0) soon();
  else later();
}

/**
 * Queues word that the application has begun on connection `id` (it wrote to it at once, or
 * was given bytes the master read): the master's copy of it, kept so that a crash of ours loses
 * nothing untouched, can go. It leaves at the end of this turn, with the turn's other reports.
 */
export function reportBegun(id: number): void {
  begun.push(id);
  soon();
}

function soon(): void {
  ackFlush ??= setImmediate(flushSoon);
}

const flushSoon = guarded('report', () => {
  ackFlush = undefined;
  flushReports();
});

/** Sends pending acks and close reports now (also before answering 'held?', and on shutdown). */
export function flushReports(): void {
  if (ackFlush !== undefined) {
    clearImmediate(ackFlush);
    ackFlush = undefined;
  }
  if (taken.length === 0 && begun.length === 0 && closed.length === 0) return;
  // A close must never reach the master before the accept it closes.
  if (closed.length > 0) flushAccepts();
  const t = taken;
  const g = begun;
  const c = closed;
  taken = [];
  begun = [];
  closed = [];
  if (frames === undefined || !process.connected) return;
  if (t.length + g.length + c.length <= IDS_PER_FRAME) {
    frames.write(encodeAcks(t, g, c));
    return;
  }
  // In order: what was taken before what began, what began before what closed.
  for (let i = 0; i < t.length; i += IDS_PER_FRAME) frames.write(encodeAcks(t.slice(i, i + IDS_PER_FRAME), [], []));
  for (let i = 0; i < g.length; i += IDS_PER_FRAME) frames.write(encodeAcks([], g.slice(i, i + IDS_PER_FRAME), []));
  for (let i = 0; i < c.length; i += IDS_PER_FRAME) frames.write(encodeAcks([], [], c.slice(i, i + IDS_PER_FRAME)));
}

/** Refuses a handed-over connection: the master gives it to another worker. */
export function refuse(id: number, why: string): void {
  sendToMaster({ cmd: CMD, t: 'r', i: id, why });
}
