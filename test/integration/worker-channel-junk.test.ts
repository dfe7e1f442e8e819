// A worker that writes what cannot be read on its IPC channel (a line that is not JSON, a line or
// a frame too long, a forged Node handle message, random bytes, a long burst) kills at most
// itself: the master counts it by reason, replaces that process, and serves on with the other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrokenReason } from '../../src/ipc/frame-channel.js';
import { clientLoop } from '../helpers/client-loop.js';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

const cases: Array<{ kind: string; reason: BrokenReason }> = [
  { kind: 'frame-length', reason: 'frame_too_long' },
  { kind: 'not-json', reason: 'not_json' },
  { kind: 'not-json-after-message', reason: 'not_json' },
  { kind: 'truncated-frame', reason: 'not_json' },
  { kind: 'long-line', reason: 'line_too_long' },
  { kind: 'random', reason: 'not_json' },
  { kind: 'burst', reason: 'not_json' },
  { kind: 'node-handle-ack', reason: 'node_handle' },
  { kind: 'node-handle-nack', reason: 'node_handle' },
  { kind: 'node-handle-no-fd', reason: 'node_handle' },
  { kind: 'node-handle-escaped', reason: 'node_handle' },
  { kind: 'node-handle-bad-type', reason: 'node_handle' },
];

for (const { kind, reason } of cases) {
  test(`junk on a worker's channel (${kind}): counted as ${reason}, that process replaced, the other serves on`, async () => {
    const logs: string[] = [];
    const { master, port } = await startMaster({ script: fixture('corrupt-frame-worker.js'), workers: 2, restartDelay: 50, env: { PORTPLEX_TEST_JUNK: kind } });
    master.on('log', (line: string) => logs.push(line));
    const clients = clientLoop(port, 2);
    try {
      await waitFor(() => clients.ok() >= 4, 5000, 'clients served before the junk');
      // Worker 1 is drained first: what a killed process was serving is not what this tests.
      master.drain(1);
      await waitFor(() => master.workers()[0].active === 0, 5000, 'worker 1 idle');
      const [first] = master.workers();
      process.kill(first.pid, 'SIGUSR2');
      await waitFor(() => master.stats.brokenChannels[reason] === 1, 5000, `a ${reason} channel`);
      const during = clients.ok();
      await waitFor(() => master.workers()[0].restarts === 1 && master.workers()[0].state === 'ready', 5000, 'worker 1 replaced');
      await waitFor(() => clients.ok() >= during + 4, 5000, 'clients served after the junk');
      await clients.stop();
      assert.deepEqual(clients.failures(), []);
      master.undrain(1);
      const replies = await Promise.all(Array.from({ length: 10 }, () => get(port)));
      assert.deepEqual(replies.map((r) => r.status), new Array(10).fill(200));
      assert.deepEqual(new Set(replies.map((r) => r.body)), new Set(['1', '2']));
      assert.equal(master.workers()[1].restarts, 0);
      assert.deepEqual(Object.entries(master.stats.brokenChannels).filter(([, n]) => n > 0), [[reason, 1]]);
      const said = logs.filter((l) => l.includes('cannot be read on its IPC channel'));
      assert.equal(said.length, 1, logs.join('\n'));
      assert.match(said[0], new RegExp(`^worker 1 \\(pid ${first.pid}\\) .*\\(${reason}: `));
    } finally {
      await clients.stop();
      assert.equal(await master.stop(), 0);
    }
  });
}
