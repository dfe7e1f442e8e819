// The application sets its own weight (HAProxy's agent-check idea): drain, undrain, weight N.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

test('a worker drains itself from application code, then comes back', async () => {
  const { master, port } = await startMaster({ script: fixture('agent-app.js'), workers: 2 });
  try {
    assert.equal((await get(port, '/drain')).body, '1', 'round-robin: worker 1 answers first and drains itself');
    await waitFor(() => master.workers()[0].weight === 0, 2000, 'worker 1 at weight 0');
    const during = [];
    for (let i = 0; i < 6; i++) during.push((await get(port, '/')).body);
    assert.deepEqual(during, new Array(6).fill('2'));
    // Worker 2 asks for its configured weight back on behalf of nobody: a no-op for it.
    await get(port, '/undrain');
    assert.equal(master.workers()[0].weight, 0, 'an undrain from worker 2 does not touch worker 1');
    master.undrain(1);
    const after = new Set<string>();
    for (let i = 0; i < 4; i++) after.add((await get(port, '/')).body);
    assert.deepEqual(after, new Set(['1', '2']));
    const w = await get(port, '/weight?n=7');
    await waitFor(() => master.workers()[Number(w.body) - 1].weight === 7, 2000, `worker ${w.body} at weight 7`);
  } finally {
    await master.stop();
  }
});
