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

let closed: number[] = [];
let flushScheduled = false;

/** Queues the close of connection `id`; closes within one event-loop turn go out in one message. */
export function reportClose(id: number): void {
  closed.push(id);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushCloses);
  }
}

/** Sends pending close reports now (before an ack, on shutdown). */
export function flushCloses(): void {
  flushScheduled = false;
  if (closed.length === 0) return;
  const c = closed;
  closed = [];
  sendToMaster({ cmd: CMD, t: 'x', c });
}

/** Acknowledges a handed-over connection. */
export function ack(id: number): void {
  sendToMaster({ cmd: CMD, t: 'a', i: id });
}

/** Refuses a handed-over connection: the master gives it to another worker. */
export function refuse(id: number, why: string): void {
  sendToMaster({ cmd: CMD, t: 'r', i: id, why });
}
