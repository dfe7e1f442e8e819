// An unmodified dgram app behind 2 round-robin workers: each flow sticks to one worker, replies
// come from the cluster address and port, flows alternate exactly, and the table and counters
// agree with what the clients did.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';
import { UdpClient } from '../helpers/udp.js';

const FLOWS = 8;
const PER_FLOW = 5;

test('8 flows x 5 datagrams: one worker per flow, round-robin 4/4, replies from the cluster address', async () => {
  const { master, port } = await startMaster({ script: fixture('udp-echo.js'), workers: 2, listen: 'udp:127.0.0.1:0' });
  const clients: UdpClient[] = [];
  try {
    assert.equal(master.listenerInfo()[0].protocol, 'udp');
    for (let f = 0; f < FLOWS; f++) clients.push(await UdpClient.open());
    const workerOfFlow: number[] = [];
    // Flows open one after the other, so round-robin's order is exact: 1, 2, 1, 2, ...
    for (let f = 0; f < FLOWS; f++) {
      for (let i = 0; i < PER_FLOW; i++) {
        const r = await clients[f].ask(port, `f${f}.${i}`);
        assert.deepEqual(r.from, { address: '127.0.0.1', port }, 'the reply leaves from the cluster address and port');
        assert.match(r.text, new RegExp(`^[12] \\d+ f${f}\\.${i}$`));
        if (i === 0) workerOfFlow.push(r.worker);
        else assert.equal(r.worker, workerOfFlow[f], `flow ${f} stays on worker ${workerOfFlow[f]}`);
      }
    }
    assert.deepEqual(workerOfFlow, [1, 2, 1, 2, 1, 2, 1, 2]);
    const pids = new Map(master.workers().map((w) => [w.id, w.pid]));
    for (const c of clients) for (const r of c.replies) assert.equal(r.pid, pids.get(r.worker));

    // The table holds one established UDP record per flow, with its worker and pid.
    const records = master.connections({ protocol: 'udp' });
    assert.deepEqual(
      records.map((r) => [r.clientAddress, r.clientPort, r.worker, r.pid, r.state]).sort((a, b) => (a[1] as number) - (b[1] as number)),
      clients.map((c, f) => ['127.0.0.1', c.port, workerOfFlow[f], pids.get(workerOfFlow[f]), 'established']).sort((a, b) => (a[1] as number) - (b[1] as number)),
    );
    for (const r of records) assert.ok(r.lastActiveAt >= r.acceptedAt);
    assert.equal(master.connections({ protocol: 'tcp' }).length, 0);

    // Counters: every datagram relayed in and answered out, bytes exact.
    const s = master.udpStats;
    assert.equal(s.received[0], FLOWS * PER_FLOW);
    assert.equal(s.droppedTotal, 0);
    const inBytes = (w: number) => clients.filter((_, f) => workerOfFlow[f] === w).length * PER_FLOW * 'f0.0'.length;
    for (const w of [1, 2]) {
      assert.equal(s.datagramsIn[w], FLOWS * PER_FLOW / 2);
      assert.equal(s.bytesIn[w], inBytes(w));
      await waitFor(() => s.datagramsOut[w] === FLOWS * PER_FLOW / 2, 2000, `worker ${w}'s replies counted`);
    }
    const outBytes = (w: number) => clients.flatMap((c) => c.replies).filter((r) => r.worker === w).reduce((n, r) => n + Buffer.byteLength(r.text), 0);
    assert.deepEqual([s.bytesOut[1], s.bytesOut[2]], [outBytes(1), outBytes(2)]);
    assert.deepEqual(master.flows.counts, { active: [FLOWS], created: [FLOWS], expired: [0], evicted: [0], purged: [0] });
  } finally {
    for (const c of clients) c.close();
    assert.equal(await master.stop(), 0);
  }
  // Graceful stop closed the cluster socket: the port can be bound again.
  const again = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    again.once('error', reject);
    again.bind(port, '127.0.0.1', () => resolve());
  });
  again.close();
});
