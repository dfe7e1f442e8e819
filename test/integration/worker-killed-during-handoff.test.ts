// kill -9 a worker while connections are being handed to it: none hangs, none is lost uncounted.
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

type Outcome = { worker: string | null };

function attempt(port: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = '';
    const timer = setTimeout(() => reject(new Error('connection hung: no line and no close within 10 s')), 10000);
    socket.setEncoding('utf8');
    socket.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ worker: buf.slice(0, buf.indexOf('\n')) });
      }
    });
    const closed = (): void => { clearTimeout(timer); resolve({ worker: null }); };
    socket.on('close', closed);
    socket.on('error', () => {});
  });
}

for (const handoffWindow of [1, 4]) test(`killing a worker mid-stream of hand-overs (window ${handoffWindow}): every connection is served or closed and counted`, async () => {
  const { master, port } = await startMaster({ script: fixture('hold.js'), workers: 2, restartDelay: 50, handoffWindow });
  const victim = master.workers().find((w) => w.id === 1)!;
  let ackedByVictim = 0;
  let killed = false;
  const onHandedOver = (msg: unknown): void => {
    const m = msg as { pid: number };
    if (m.pid !== victim.pid) return;
    ackedByVictim++;
    if (ackedByVictim === 30 && !killed) {
      killed = true;
      process.kill(victim.pid, 'SIGKILL');
    }
  };
  diagnostics.subscribe('portplex:connection:handed-over', onHandedOver);
  try {
    const outcomes: Outcome[] = [];
    // Four waves, and more until the victim has taken its 30th (a busy machine can skew the
    // first waves to the other worker, which round-robin prefers while the victim's answer is due).
    for (let wave = 0; wave < 4 || (!killed && wave < 40); wave++) {
      outcomes.push(...(await Promise.all(Array.from({ length: 60 }, () => attempt(port)))));
    }
    assert.ok(killed, 'the victim was killed during the run');
    const servedByVictim = outcomes.filter((o) => o.worker === '1').length;
    const unserved = outcomes.filter((o) => o.worker === null).length;
    // A client left without an answer was either closed by the master (counted) or had been
    // taken by the victim just before it died.
    assert.ok(unserved <= master.stats.droppedTotal + Math.max(0, ackedByVictim - servedByVictim),
      `unserved ${unserved}, dropped ${master.stats.droppedTotal}, acked by victim ${ackedByVictim}, answered by victim ${servedByVictim}`);
    assert.ok(outcomes.filter((o) => o.worker === '2').length > 0);
    await waitFor(() => master.workers()[0].state === 'ready' && master.workers()[0].pid !== victim.pid, 5000, 'worker 1 to restart');
    assert.equal(master.workers()[0].restarts, 1);
    // The dead process's records are purged.
    assert.equal(master.connections().filter((r) => r.pid === victim.pid).length, 0);
  } finally {
    diagnostics.unsubscribe('portplex:connection:handed-over', onHandedOver);
    await master.stop();
  }
});
