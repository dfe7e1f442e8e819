// The worker's side of the IPC channel: sends our messages, batches close reports.
import { CMD, type ToMaster } from '../ipc/messages.js';

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

/**
 * Sends a message with a handle (direct mode's rare hand-over); `sent` runs once Node has passed
 * the descriptor (err null) or could not (err set): either way this process may then close its copy.
 */
export function sendHandleToMaster(message: ToMaster, handle: unknown, sent: (err: Error | null) => void): void {
  if (typeof process.send !== 'function' || !process.connected) return sent(new Error('no channel to the master'));
  try {
    process.send(message, handle as never, undefined, sent);
  } catch (err) {
    sent(err as Error);
  }
}

/** ms a close report may wait for an ack to ride on before it goes out alone. */
const CLOSE_REPORT_DELAY = 10;

let closed: number[] = [];
let flushTimer: NodeJS.Timeout | undefined;
let accepted: Array<number | string> = [];
let acceptFlush: NodeJS.Timeout | undefined;

/**
 * ms an accept report may wait to share a message with later ones (direct mode): the master's
 * table lags the worker by at most this plus the IPC trip. One message per connection would cost
 * the worker more than the accept itself.
 */
export const ACCEPT_REPORT_DELAY = 10;

/** Queues the report of a connection accepted directly (direct mode). */
export function reportAccept(seq: number, listener: number, address: string, port: number): void {
  accepted.push(seq, listener, address, port);
  if (acceptFlush === undefined) {
    acceptFlush = setTimeout(flushAccepts, ACCEPT_REPORT_DELAY);
    acceptFlush.unref();
  }
}

/** Sends pending accept reports now; anything that reports a close must call this first. */
export function flushAccepts(): void {
  if (acceptFlush !== undefined) {
    clearTimeout(acceptFlush);
    acceptFlush = undefined;
  }
  if (accepted.length === 0) return;
  const a = accepted;
  accepted = [];
  sendToMaster({ cmd: CMD, t: 'd', a });
}

/**
 * Queues the close of connection `id`. Under load the next ack carries it (one message per
 * connection instead of two); when idle it goes out alone within CLOSE_REPORT_DELAY ms.
 */
export function reportClose(id: number): void {
  closed.push(id);
  if (flushTimer === undefined) {
    flushTimer = setTimeout(flushCloses, CLOSE_REPORT_DELAY);
    flushTimer.unref();
  }
}

/** Sends pending close reports now (also on shutdown). */
export function flushCloses(): void {
  if (flushTimer !== undefined) {
    clearTimeout(flushTimer);
    flushTimer = undefined;
  }
  if (closed.length === 0) return;
  // A close must never reach the master before the accept it closes.
  flushAccepts();
  const c = closed;
  closed = [];
  sendToMaster({ cmd: CMD, t: 'x', c });
}

/** Acknowledges a handed-over connection, with any close reports waiting. */
export function ack(id: number): void {
  if (closed.length === 0) {
    sendToMaster({ cmd: CMD, t: 'a', i: id });
    return;
  }
  flushAccepts();
  const c = closed;
  closed = [];
  sendToMaster({ cmd: CMD, t: 'a', i: id, c });
}

/** Refuses a handed-over connection: the master gives it to another worker. */
export function refuse(id: number, why: string): void {
  sendToMaster({ cmd: CMD, t: 'r', i: id, why });
}
