// A worker whose event loop is blocked misses its hand-over deadline: the connection goes to
// another worker, and the blocked one refuses it when it wakes up (never two owners).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

test('connections sent to a blocked worker are re-dispatched after --handoff-timeout, none lost', async () => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 2, handoffTimeout: 400 });
  try {
    // Round-robin: worker 1 takes the blocking request and freezes for 2.5 s.
    const blocking = get(port, '/block?ms=2500');
    await waitFor(() => master.stats.handedOver === 1, 2000, 'the blocking request to be handed over');
    const started = Date.now();
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => get(port, `/after${i}`)));
    const elapsed = Date.now() - started;
    for (const r of replies) assert.equal(r.status, 200);
    assert.deepEqual(new Set(replies.map((r) => JSON.parse(r.body).worker)), new Set([2]), 'only the live worker answered');
    assert.ok(elapsed < 2000, `served in ${elapsed} ms, before the blocked worker woke up`);
    assert.ok(master.stats.retries.timeout >= 1, `timeouts: ${master.stats.retries.timeout}`);
    assert.equal((await blocking).status, 200);
    // Once awake, worker 1 refuses what it was sent too late, and gets new work again.
    await waitFor(() => master.workers()[0].state === 'ready', 2000, 'worker 1 ready');
    const after = await Promise.all(Array.from({ length: 6 }, () => get(port, '/')));
    assert.ok(after.some((r) => JSON.parse(r.body).worker === 1), 'worker 1 serves again after it recovered');
    assert.equal(master.stats.lateAcks, 0, 'no connection was adopted after its deadline');
    assert.equal(master.stats.droppedTotal, 0);
  } finally {
    await master.stop();
  }
});
