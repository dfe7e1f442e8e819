// The programmatic worker API: onDatagram(port, handler) with reply(); malformed replies from a
// worker are counted and ignored, and the master goes on serving.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';
import { UdpClient } from '../helpers/udp.js';

test('onDatagram handler sees the client rinfo, reply() leaves from the cluster address; garbage is counted', async () => {
  const { master, port } = await startMaster({ script: fixture('udp-api-app.js'), workers: 2, listen: 'udp:127.0.0.1:0' });
  const a = await UdpClient.open();
  const b = await UdpClient.open();
  try {
    const ra = await a.ask(port, 'ping');
    const rb = await b.ask(port, 'ping');
    assert.equal(ra.text, `1 ${ra.pid} 127.0.0.1:${a.port} ping`);
    assert.equal(rb.text, `2 ${rb.pid} 127.0.0.1:${b.port} ping`);
    assert.deepEqual([ra.from, rb.from], [{ address: '127.0.0.1', port }, { address: '127.0.0.1', port }]);

    const before = master.stats.malformed;
    const rg = await a.ask(port, 'garbage');
    assert.match(rg.text, / garbage$/);
    await waitFor(() => master.udpStats.malformed === 6, 5000, '6 malformed reply frames or datagrams counted');
    assert.equal(master.stats.malformed, before, 'UDP replies are judged by the datagram path only');
    // Still serving, both flows.
    assert.match((await a.ask(port, 'after')).text, /^1 .* after$/);
    assert.match((await b.ask(port, 'after')).text, /^2 .* after$/);
    assert.equal(master.udpStats.droppedTotal, 0);
  } finally {
    a.close();
    b.close();
    assert.equal(await master.stop(), 0);
  }
});
