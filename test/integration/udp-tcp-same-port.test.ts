// One port number served over TCP and UDP at once by one application (as DNS does).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstLine, fixture, startMaster, waitFor } from '../helpers/cluster.js';
import { UdpClient, freeTcpUdpPort } from '../helpers/udp.js';

test('tcp and udp listeners on one port: both answered, by the same app in each worker', async () => {
  const free = await freeTcpUdpPort();
  const { master } = await startMaster({ script: fixture('tcp-udp-app.js'), workers: 2, listen: [`127.0.0.1:${free}`, `udp:127.0.0.1:${free}`] });
  const client = await UdpClient.open();
  try {
    assert.deepEqual(master.listenerInfo().map((l) => [l.protocol, l.port]), [['tcp', free], ['udp', free]]);
    // A worker is ready once it serves any listener; its dgram bind may come a moment later.
    await waitFor(() => master.workers().every((w) => w.listening.length === 2), 5000, 'both workers to serve both listeners');
    const tcp = [];
    for (let i = 0; i < 4; i++) {
      const { line, socket } = await firstLine(free);
      socket.destroy();
      tcp.push(line.split(' ')[0] + ' ' + line.split(' ')[2]);
      // Round-robin's order holds for hand-overs that are complete (an answer still on its way skips its worker).
      await waitFor(() => master.stats.handedOver === i + 1, 5000, `hand-over ${i + 1}`);
    }
    assert.deepEqual(tcp, ['1 tcp', '2 tcp', '1 tcp', '2 tcp']);
    const r = await client.ask(free, 'q');
    assert.deepEqual([r.worker, r.text.split(' ').slice(2).join(' '), r.from.port], [1, 'udp q', free]);
    assert.deepEqual(master.connections({ protocol: 'udp' }).map((x) => [x.listener, x.worker]), [[1, 1]]);
  } finally {
    client.close();
    assert.equal(await master.stop(), 0);
  }
});
