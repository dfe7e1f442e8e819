// Idle flows expire after udpTimeout: the table forgets them, the expired counter rises, and the
// client's next datagram opens a new flow that is answered as usual.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';
import { UdpClient } from '../helpers/udp.js';

test('3 flows idle past a 300 ms udpTimeout are expired, then reopen on their next datagram', async () => {
  const { master, port } = await startMaster({ script: fixture('udp-echo.js'), workers: 2, listen: 'udp:127.0.0.1:0', udpTimeout: 300 });
  const clients = [await UdpClient.open(), await UdpClient.open(), await UdpClient.open()];
  try {
    for (const c of clients) await c.ask(port, 'hello');
    assert.equal(master.connections({ protocol: 'udp' }).length, 3);
    // One flow stays busy: only the idle ones expire.
    const busy = clients[0];
    const started = Date.now();
    while (master.flows.counts.expired[0] < 2) {
      assert.ok(Date.now() - started < 10000, 'the idle flows expire within 10 s');
      await busy.ask(port, 'still here');
      await new Promise((r) => setTimeout(r, 50));
    }
    const left = master.connections({ protocol: 'udp' });
    assert.deepEqual(left.map((r) => r.clientPort), [busy.port], 'only the busy flow is left');
    assert.deepEqual(master.flows.counts.expired, [2]);

    await waitFor(() => master.flows.size === 0, 5000, 'the busy flow to expire once idle too');
    assert.deepEqual(master.flows.counts, { active: [0], created: [3], expired: [3], evicted: [0], purged: [0] });
    assert.equal(master.table.size, 0);

    // The next datagram opens a new flow (round-robin goes on where it was) and is answered.
    const r = await clients[1].ask(port, 'back');
    assert.match(r.text, / back$/);
    assert.equal(master.flows.counts.created[0], 4);
    assert.equal(master.connections({ protocol: 'udp' })[0].clientPort, clients[1].port);
    assert.equal(master.udpStats.droppedTotal, 0);
  } finally {
    for (const c of clients) c.close();
    assert.equal(await master.stop(), 0);
  }
});
