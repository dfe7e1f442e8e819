// A worker whose frames cannot be read any more (a corrupt length) can no longer say which
// connections it took: the master counts it, replaces that process, and serves on.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

test('a corrupt frame gets its worker process replaced; the master and the service go on', async () => {
  const { master, port } = await startMaster({ script: fixture('corrupt-frame-worker.js'), workers: 2, restartDelay: 50 });
  try {
    await waitFor(() => master.workers()[0].restarts === 1 && master.workers()[0].state === 'ready', 5000, 'worker 1 replaced');
    assert.equal(master.stats.malformed, 1);
    const replies = await Promise.all(Array.from({ length: 10 }, () => get(port)));
    assert.deepEqual(replies.map((r) => r.status), new Array(10).fill(200));
    assert.deepEqual(new Set(replies.map((r) => r.body)), new Set(['1', '2']));
    assert.equal(master.workers()[1].restarts, 0);
    assert.equal(master.stats.droppedTotal, 0);
  } finally {
    assert.equal(await master.stop(), 0);
    rmSync(join(tmpdir(), `portplex-corrupt-frame-${process.pid}`), { force: true });
  }
});
