// A killed worker's flows are purged; their next datagrams open flows on the surviving worker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';
import { UdpClient } from '../helpers/udp.js';

test('SIGKILL worker 1: its 2 flows move to worker 2 on their next datagram', async () => {
  // A long restart delay keeps worker 1 down while the flows move.
  const { master, port } = await startMaster({ script: fixture('udp-echo.js'), workers: 2, listen: 'udp:127.0.0.1:0', restartDelay: 60000 });
  const clients = [await UdpClient.open(), await UdpClient.open(), await UdpClient.open(), await UdpClient.open()];
  try {
    const first = [];
    for (const c of clients) first.push((await c.ask(port, 'one')).worker);
    assert.deepEqual(first, [1, 2, 1, 2]);
    const [w1, w2] = master.workers();
    process.kill(w1.pid, 'SIGKILL');
    await waitFor(() => master.workers()[0].state === 'exited', 5000, 'worker 1 to exit');
    await waitFor(() => master.flows.counts.purged[0] === 2, 5000, 'worker 1\'s flows to be purged');
    assert.deepEqual(master.connections({ protocol: 'udp', worker: 1 }), []);
    assert.equal(master.connections({ protocol: 'udp', worker: 2 }).length, 2);

    for (const c of clients) {
      for (let i = 0; i < 3; i++) {
        const r = await c.ask(port, `two.${i}`);
        assert.deepEqual([r.worker, r.pid, r.from.port], [2, w2.pid, port]);
      }
    }
    const records = master.connections({ protocol: 'udp' });
    assert.deepEqual(records.map((r) => r.worker), [2, 2, 2, 2]);
    assert.deepEqual(master.flows.counts, { active: [4], created: [6], expired: [0], evicted: [0], purged: [2] });
    assert.equal(master.udpStats.droppedTotal, 0);
  } finally {
    for (const c of clients) c.close();
    await master.stop();
  }
});
