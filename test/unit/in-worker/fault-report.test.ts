// Faults are counted at once and told to the master once per kind per turn of the loop, with
// the first one's text.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { newRuntimeStats } from '../../../src/in-worker/stats.js';
import { FaultReport } from '../../../src/in-worker/fault-report.js';
import { CMD, MAX_FAULT_TEXT } from '../../../src/ipc/protocol.js';

const sent: unknown[] = [];
const send = process.send;
const connected = Object.getOwnPropertyDescriptor(process, 'connected');
before(() => {
  // sendToMaster writes to the IPC channel; this test process may have none.
  process.send = ((m: unknown) => { sent.push(m); return true; }) as typeof process.send;
  Object.defineProperty(process, 'connected', { value: true, configurable: true });
});
after(() => {
  process.send = send;
  if (connected) Object.defineProperty(process, 'connected', connected);
  else delete (process as { connected?: boolean }).connected;
});
beforeEach(() => { sent.length = 0; });

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('FaultReport', () => {
  it('counts each fault at once and sends one message per kind at the end of the turn', async () => {
    const stats = newRuntimeStats();
    const report = new FaultReport(stats);
    report.add('usage', new Error('EMFILE: first'));
    report.add('usage', new Error('EMFILE: second'));
    report.add('adopt', new Error('adopt broke'));
    report.add('usage', new Error('EMFILE: third'));
    assert.equal(stats.faults.usage, 3);
    assert.equal(stats.faults.adopt, 1);
    assert.deepEqual(sent, [], 'nothing sent within the turn');
    await turn();
    assert.deepEqual(sent, [
      { cmd: CMD, t: 'ft', k: 'usage', n: 3, e: 'EMFILE: first' },
      { cmd: CMD, t: 'ft', k: 'adopt', n: 1, e: 'adopt broke' },
    ]);
  });

  it('starts over in the next turn', async () => {
    const stats = newRuntimeStats();
    const report = new FaultReport(stats);
    report.add('drain', new Error('one'));
    await turn();
    report.add('drain', new Error('two'));
    await turn();
    assert.deepEqual(sent.map((m) => (m as { n: number; e: string }).e), ['one', 'two']);
    assert.equal(stats.faults.drain, 2);
    await turn();
    assert.equal(sent.length, 2, 'nothing more without a fault');
  });

  it('sends a thrown non-Error as text, bounded', async () => {
    const report = new FaultReport(newRuntimeStats());
    report.add('frame', 42);
    report.add('message', 'x'.repeat(MAX_FAULT_TEXT * 2));
    report.add('heartbeat', { toString() { throw new Error('no'); } });
    await turn();
    assert.deepEqual(sent.map((m) => (m as { e: string }).e), ['42', 'x'.repeat(MAX_FAULT_TEXT), 'unprintable value']);
  });
});
