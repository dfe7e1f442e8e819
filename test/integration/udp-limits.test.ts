// Bad input is bounded and counted: oversize datagrams are dropped, and a flood of new flows
// past udpMaxFlows evicts the longest-idle ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';
import { UdpClient } from '../helpers/udp.js';

test('udpMaxDatagram 100: 101 bytes are dropped as oversize, 100 bytes are answered', async () => {
  const { master, port } = await startMaster({ script: fixture('udp-echo.js'), workers: 1, listen: 'udp:127.0.0.1:0', udpMaxDatagram: 100 });
  const client = await UdpClient.open();
  try {
    client.send(port, 'x'.repeat(101));
    await waitFor(() => master.udpStats.dropped.oversize === 1, 5000, 'the oversize drop');
    assert.equal(master.flows.size, 0, 'a dropped datagram opens no flow');
    // "1 <pid> " + 100 bytes: the worker's reply is over 100 bytes too, and is dropped and counted.
    client.send(port, 'y'.repeat(100));
    await waitFor(() => master.udpStats.dropped.oversize === 2, 5000, 'the oversize reply drop');
    assert.equal(master.udpStats.datagramsIn[1], 1);
    assert.equal(master.udpStats.datagramsOut[1], 0);
    const r = await client.ask(port, 'z'.repeat(80));
    assert.equal(r.text.length <= 100, true);
    assert.deepEqual(client.replies.map((x) => x.text.split(' ')[2]), ['z'.repeat(80)]);
    assert.deepEqual(master.udpStats.received, [3]);
  } finally {
    client.close();
    await master.stop();
  }
});

test('udpMaxFlows 3: 6 flows evict the 3 longest idle, counted; an evicted client is still answered', async () => {
  const { master, port } = await startMaster({ script: fixture('udp-echo.js'), workers: 2, listen: 'udp:127.0.0.1:0', udpMaxFlows: 3 });
  const clients: UdpClient[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      clients.push(await UdpClient.open());
      await clients[i].ask(port, `c${i}`);
      // Client 0 keeps talking, so it is never the longest idle.
      if (i > 0) await clients[0].ask(port, 'keepalive');
    }
    assert.equal(master.flows.size, 3);
    assert.deepEqual(master.flows.counts.evicted, [3]);
    const kept = master.connections({ protocol: 'udp' }).map((r) => r.clientPort).sort((a, b) => a - b);
    assert.deepEqual(kept, [clients[0].port, clients[4].port, clients[5].port].sort((a, b) => a - b));
    // Evicted client 1 comes back: a new flow (evicting the now longest idle, client 4).
    const r = await clients[1].ask(port, 'again');
    assert.match(r.text, / again$/);
    assert.deepEqual(master.flows.counts, { active: [3], created: [7], expired: [0], evicted: [4], purged: [0] });
    assert.equal(master.table.size, 3);
    assert.equal(master.udpStats.droppedTotal, 0);
  } finally {
    for (const c of clients) c.close();
    await master.stop();
  }
});
