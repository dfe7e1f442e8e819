// A worker whose application closes its UDP socket stops getting datagrams: its flows move to
// another worker on their next datagram.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';
import { UdpClient } from '../helpers/udp.js';

test('worker 1 closes its socket: its flow is purged and answered by worker 2', async () => {
  const { master, port } = await startMaster({ script: fixture('udp-echo.js'), workers: 2, listen: 'udp:127.0.0.1:0', restartDelay: 60000 });
  const a = await UdpClient.open();
  const b = await UdpClient.open();
  try {
    await waitFor(() => master.workers().every((w) => w.listening.length === 1), 5000, 'both workers to serve the port');
    assert.equal((await a.ask(port, 'one')).worker, 1);
    assert.equal((await b.ask(port, 'one')).worker, 2);
    a.send(port, 'close');
    await waitFor(() => master.flows.counts.purged[0] === 1, 5000, 'worker 1\'s flow to be purged');
    for (let i = 0; i < 3; i++) assert.equal((await a.ask(port, `two.${i}`)).worker, 2);
    assert.equal((await b.ask(port, 'two')).worker, 2);
    assert.deepEqual(master.connections({ protocol: 'udp' }).map((r) => r.worker), [2, 2]);
    assert.equal(master.udpStats.droppedTotal, 0);
  } finally {
    a.close();
    b.close();
    await master.stop();
  }
});
