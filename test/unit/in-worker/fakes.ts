// Fakes for the runtime inside a worker: a channel to the master that records, in order, what
// each piece told it.
import type { MasterChannel } from '../../../src/in-worker/master-channel.js';
import type { ToMaster } from '../../../src/ipc/protocol.js';

/** One call on the channel: its name and arguments (forward's handle and callback left out). */
export type ChannelCall =
  | ['send', ToMaster]
  | ['frame', Buffer]
  | ['forward', number, Buffer, boolean]
  | ['ack', number]
  | ['refuse', number, string]
  | ['begun', number]
  | ['close', number]
  | ['accept', number, number]
  | ['flushAccepts']
  | ['flushReports'];

export class FakeChannel implements MasterChannel {
  readonly calls: ChannelCall[] = [];

  send(message: ToMaster): void {
    this.calls.push(['send', message]);
  }

  sendFrame(frame: Buffer): void {
    this.calls.push(['frame', frame]);
  }

  /** Records the hand-back; its descriptor "leaves" at once. */
  forward(listener: number, bytes: Uint8Array, eof: boolean, _handle: unknown, sent: () => void): void {
    this.calls.push(['forward', listener, Buffer.from(bytes), eof]);
    sent();
  }

  ack(id: number): void {
    this.calls.push(['ack', id]);
  }

  refuse(id: number, why: string): void {
    this.calls.push(['refuse', id, why]);
  }

  reportBegun(id: number): void {
    this.calls.push(['begun', id]);
  }

  reportClose(id: number): void {
    this.calls.push(['close', id]);
  }

  reportAccept(seq: number, listener: number): void {
    this.calls.push(['accept', seq, listener]);
  }

  flushAccepts(): void {
    this.calls.push(['flushAccepts']);
  }

  flushReports(): void {
    this.calls.push(['flushReports']);
  }

  /** The JSON messages sent, in order. */
  sent(): ToMaster[] {
    const out: ToMaster[] = [];
    for (const c of this.calls) if (c[0] === 'send') out.push(c[1]);
    return out;
  }
}
