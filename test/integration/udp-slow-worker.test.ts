// A worker that stops reading (blocked event loop) costs bounded memory: at most udpWorkerQueue
// datagrams wait for its IPC channel, the rest are dropped and counted, and it serves again after.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';
import { UdpClient } from '../helpers/udp.js';

test('a blocked worker: datagrams past udpWorkerQueue are dropped as queue_full, then it answers again', async () => {
  const { master, port } = await startMaster({ script: fixture('udp-echo.js'), workers: 1, listen: 'udp:127.0.0.1:0', udpWorkerQueue: 8 });
  const client = await UdpClient.open();
  try {
    await client.ask(port, 'warm');
    const s = master.udpStats;
    client.send(port, 'block 2000');
    // Enough bytes to fill the IPC socket's kernel buffer many times over.
    const big = 'x'.repeat(1400);
    for (let round = 0; round < 40 && s.dropped.queue_full === 0; round++) {
      for (let i = 0; i < 100; i++) client.send(port, big);
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(s.dropped.queue_full > 0, 'datagrams past the queue were dropped');
    // Each datagram the master read was either relayed or dropped as queue_full, nothing else.
    assert.equal(s.received[0], s.datagramsIn[1] + s.dropped.queue_full);
    assert.equal(s.droppedTotal, s.dropped.queue_full);
    // Unblocked, the worker answers again, from the same process.
    const pid = master.workers()[0].pid;
    await waitFor(() => client.replies.some((r) => r.text.endsWith('block 2000')), 15000, 'the blocked reply');
    const r = await client.ask(port, 'after', 15000);
    assert.deepEqual([r.worker, r.pid], [1, pid]);
  } finally {
    client.close();
    await master.stop();
  }
});
