// What the worker tells the master, and when: acks, begun and close reports of one turn in one A
// frame, accept reports (direct mode) before any close of theirs, nothing once the channel is gone.
import assert from 'node:assert/strict';
import type net from 'node:net';
import { describe, it } from 'node:test';
import { ACCEPT_REPORT_DELAY, IpcMasterChannel, type FrameWriter, type IpcEnd } from '../../../src/in-worker/master-channel.js';
import { FRAME, HEADER_BYTES, ackCount, ackId, acksBegun, acksTaken, decodeAccepted, decodeForward } from '../../../src/ipc/frames.js';
import { CMD, type ToMaster } from '../../../src/ipc/protocol.js';

/** A frame as the master reads it: A frames as taken/begun/closed, D frames as their reports. */
type Read =
  | { A: { taken: number[]; begun: number[]; closed: number[] } }
  | { D: Array<[number, number, string, number]> }
  | { F: { listener: number; bytes: string; eof: boolean; handle: unknown } };

class FakeFrames implements FrameWriter {
  readonly frames: Read[] = [];
  /** What write() answers; false plays a pipe closed under us. */
  ok = true;

  write(frame: Buffer, handle?: unknown, done?: (status: number) => void): boolean {
    const start = HEADER_BYTES;
    const end = frame.length;
    if (frame[1] === FRAME.acks) {
      const taken = acksTaken(frame, start, end);
      assert.ok(taken >= 0, 'a well-formed A frame');
      const begun = acksBegun(frame, start);
      const ids = Array.from({ length: ackCount(start, end) }, (_, i) => ackId(frame, start, i));
      this.frames.push({ A: { taken: ids.slice(0, taken), begun: ids.slice(taken, taken + begun), closed: ids.slice(taken + begun) } });
    } else if (frame[1] === FRAME.accepted) {
      const reports: Array<[number, number, string, number]> = [];
      assert.ok(decodeAccepted(frame, start, end, (seq, l, a, p) => reports.push([seq, l, a, p])), 'a well-formed D frame');
      this.frames.push({ D: reports });
    } else if (frame[1] === FRAME.forward) {
      const f = decodeForward(frame, start, end)!;
      this.frames.push({ F: { listener: f.listener, bytes: Buffer.from(f.data).toString(), eof: f.eof, handle } });
    } else {
      assert.fail(`unexpected frame type ${frame[1]}`);
    }
    if (this.ok) done?.(0);
    return this.ok;
  }
}

class FakeIpc implements IpcEnd {
  connected = true;
  readonly sent: unknown[] = [];
  throws = false;
  send = (message: unknown): boolean => {
    if (this.throws) throw new Error('ERR_IPC_CHANNEL_CLOSED');
    this.sent.push(message);
    return true;
  };
}

function rig(ackBatch = 64, sockets = new Map<number, net.Socket>()): { channel: IpcMasterChannel; ipc: FakeIpc; frames: FakeFrames } {
  const ipc = new FakeIpc();
  const frames = new FakeFrames();
  return { channel: new IpcMasterChannel(ipc, frames, ackBatch, (seq) => sockets.get(seq)), ipc, frames };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const afterAcceptDelay = (): Promise<void> => new Promise((r) => setTimeout(r, ACCEPT_REPORT_DELAY * 3));

describe('IpcMasterChannel', () => {
  it('sends the acks, begun and close reports of one turn in one A frame when the turn ends', async () => {
    const { channel, frames } = rig();
    channel.ack(1);
    channel.ack(2);
    channel.reportBegun(1);
    channel.reportClose(0);
    channel.reportBegun(2);
    assert.deepEqual(frames.frames, [], 'nothing within the turn');
    await turn();
    assert.deepEqual(frames.frames, [{ A: { taken: [1, 2], begun: [1, 2], closed: [0] } }]);
    await turn();
    assert.equal(frames.frames.length, 1, 'nothing more without a report');
  });

  it('sends at once when ackBatch acks are gathered', () => {
    const { channel, frames } = rig(2);
    channel.reportBegun(7);
    channel.ack(8);
    assert.deepEqual(frames.frames, []);
    channel.ack(9);
    assert.deepEqual(frames.frames, [{ A: { taken: [8, 9], begun: [7], closed: [] } }]);
  });

  it('takes a bad ackBatch as 1', () => {
    for (const bad of [0, -3, 1.5, Number.NaN]) {
      const { channel, frames } = rig(bad);
      channel.ack(4);
      assert.deepEqual(frames.frames, [{ A: { taken: [4], begun: [], closed: [] } }], `ackBatch ${bad}`);
    }
  });

  it('reports direct connections within ACCEPT_REPORT_DELAY, their closes with them, the client if already known', async () => {
    const sockets = new Map<number, net.Socket>([[-1, { _peername: { address: '192.0.2.7', port: 4321 } } as unknown as net.Socket]]);
    const { channel, frames } = rig(64, sockets);
    channel.reportAccept(-1, 0);
    channel.reportAccept(-2, 1);
    channel.reportClose(-2);
    await turn();
    assert.deepEqual(frames.frames, [], 'a direct close does not end the turn\'s wait');
    await afterAcceptDelay();
    assert.deepEqual(frames.frames, [
      { D: [[-1, 0, '192.0.2.7', 4321], [-2, 1, '', 0]] },
      { A: { taken: [], begun: [], closed: [-2] } },
    ]);
  });

  it('sends the accept reports first when a close leaves before their delay', () => {
    const { channel, frames } = rig();
    channel.reportAccept(-1, 0);
    channel.reportClose(-1);
    channel.flushReports();
    assert.deepEqual(frames.frames, [{ D: [[-1, 0, '', 0]] }, { A: { taken: [], begun: [], closed: [-1] } }]);
  });

  it('sends JSON messages through Node, and a refusal as one', () => {
    const { channel, ipc } = rig();
    channel.send({ cmd: CMD, t: 'ready' });
    channel.refuse(5, 'full');
    assert.deepEqual(ipc.sent, [{ cmd: CMD, t: 'ready' }, { cmd: CMD, t: 'r', i: 5, why: 'full' } satisfies ToMaster]);
  });

  it('hands a connection back with its bytes; `sent` runs once, whether the write went or not', () => {
    const { channel, frames } = rig();
    const handle = {};
    let sent = 0;
    channel.forward(2, Buffer.from('GET /'), true, handle, () => sent++);
    assert.deepEqual(frames.frames, [{ F: { listener: 2, bytes: 'GET /', eof: true, handle } }]);
    assert.equal(sent, 1);
    frames.ok = false;
    channel.forward(2, Buffer.from('x'), false, handle, () => sent++);
    assert.equal(sent, 2, 'a failed write: ours to close at once');
  });

  it('once the master is gone: nothing is written or sent, nothing throws, a hand-back is released', async () => {
    const { channel, ipc, frames } = rig();
    channel.ack(1);
    channel.reportAccept(-1, 0);
    ipc.connected = false;
    channel.send({ cmd: CMD, t: 'ready' });
    channel.sendFrame(Buffer.alloc(HEADER_BYTES));
    let sent = 0;
    channel.forward(0, Buffer.alloc(0), false, {}, () => sent++);
    await turn();
    channel.flushAccepts();
    assert.deepEqual(frames.frames, []);
    assert.deepEqual(ipc.sent, []);
    assert.equal(sent, 1);
    ipc.connected = true;
    ipc.throws = true;
    channel.send({ cmd: CMD, t: 'ready' });
  });
});
