// A worker that sends malformed messages cannot crash the master or corrupt its table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

test('malformed messages from workers are counted and ignored; service goes on', async () => {
  const { master, port } = await startMaster({ script: fixture('garbage-worker.js'), workers: 2 });
  try {
    // Per worker: 15 JSON messages (ours have no 'a' or 'x' JSON form any more) and 3 frames.
    await waitFor(() => master.stats.malformed >= 36, 3000, '18 malformed messages from each worker');
    const replies = await Promise.all(Array.from({ length: 10 }, () => get(port)));
    assert.deepEqual(replies.map((r) => r.status), new Array(10).fill(200));
    assert.deepEqual(new Set(replies.map((r) => r.body)), new Set(['1', '2']));
    await waitFor(() => master.table.size === 0, 3000, 'the table to empty');
    assert.equal(master.stats.malformed, 36);
    assert.equal(master.stats.lateAcks, 2, 'one ack for a connection never sent, per worker');
    assert.equal(master.stats.droppedTotal, 0);
  } finally {
    assert.equal(await master.stop(), 0);
  }
});
