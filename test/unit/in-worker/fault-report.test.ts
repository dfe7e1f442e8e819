// Faults are counted at once and told to the master once per kind per turn of the loop, with
// the first one's text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRuntimeStats } from '../../../src/in-worker/stats.js';
import { FaultReport } from '../../../src/in-worker/fault-report.js';
import { CMD, MAX_FAULT_TEXT } from '../../../src/ipc/protocol.js';
import { FakeChannel } from './fakes.js';

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('FaultReport', () => {
  it('counts each fault at once and sends one message per kind at the end of the turn', async () => {
    const stats = newRuntimeStats();
    const channel = new FakeChannel();
    const report = new FaultReport(stats, channel);
    report.add('usage', new Error('EMFILE: first'));
    report.add('usage', new Error('EMFILE: second'));
    report.add('adopt', new Error('adopt broke'));
    report.add('usage', new Error('EMFILE: third'));
    assert.equal(stats.faults.usage, 3);
    assert.equal(stats.faults.adopt, 1);
    assert.deepEqual(channel.sent(), [], 'nothing sent within the turn');
    await turn();
    assert.deepEqual(channel.sent(), [
      { cmd: CMD, t: 'ft', k: 'usage', n: 3, e: 'EMFILE: first' },
      { cmd: CMD, t: 'ft', k: 'adopt', n: 1, e: 'adopt broke' },
    ]);
  });

  it('starts over in the next turn', async () => {
    const stats = newRuntimeStats();
    const channel = new FakeChannel();
    const report = new FaultReport(stats, channel);
    report.add('drain', new Error('one'));
    await turn();
    report.add('drain', new Error('two'));
    await turn();
    assert.deepEqual(channel.sent().map((m) => (m as { n: number; e: string }).e), ['one', 'two']);
    assert.equal(stats.faults.drain, 2);
    await turn();
    assert.equal(channel.sent().length, 2, 'nothing more without a fault');
  });

  it('sends a thrown non-Error as text, bounded', async () => {
    const channel = new FakeChannel();
    const report = new FaultReport(newRuntimeStats(), channel);
    report.add('frame', 42);
    report.add('message', 'x'.repeat(MAX_FAULT_TEXT * 2));
    report.add('heartbeat', { toString() { throw new Error('no'); } });
    await turn();
    assert.deepEqual(channel.sent().map((m) => (m as { e: string }).e), ['42', 'x'.repeat(MAX_FAULT_TEXT), 'unprintable value']);
  });
});
