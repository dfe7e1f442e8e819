// An unmodified http.createServer().listen(PORT) app behind 4 workers serves from all of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

test('an unmodified HTTP app behind 4 round-robin workers serves 200 requests, 50 from each', async () => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 4 });
  try {
    const byWorker = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const { status, body } = await get(port, `/r${i}`);
      assert.equal(status, 200);
      const reply = JSON.parse(body) as { worker: number; path: string };
      assert.equal(reply.path, `/r${i}`);
      byWorker.set(reply.worker, (byWorker.get(reply.worker) ?? 0) + 1);
    }
    assert.deepEqual([...byWorker.entries()].sort((a, b) => a[0] - b[0]), [[1, 50], [2, 50], [3, 50], [4, 50]]);
    // The last acknowledgement may reach the master after the client has its answer.
    await waitFor(() => master.stats.handedOver === 200, 2000, '200 acknowledged hand-overs');
    assert.equal(master.stats.accepted[0], 200);
    assert.equal(master.stats.droppedTotal, 0);
    // Every close is reported back: the table empties.
    await waitFor(() => master.table.size === 0, 5000, 'the connection table to empty');
  } finally {
    assert.equal(await master.stop(), 0);
  }
});
