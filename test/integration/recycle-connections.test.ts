// --max-connections-served: a worker that has served its count is replaced, new process first,
// on the same path as --max-memory; under load no request fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

test('a worker that served maxConnectionsServed connections is replaced under load, losing none', async () => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 2, maxConnectionsServed: 40, healthInterval: 100, minUptime: 100 });
  const logs: string[] = [];
  master.on('log', (line: string) => logs.push(line));
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const pidsServed = new Map<number, number>();
  const loops = Array.from({ length: 3 }, async () => {
    while (running) {
      try {
        const r = await get(port, '/');
        if (r.status !== 200) throw new Error(`status ${r.status}`);
        const pid = JSON.parse(r.body).pid as number;
        pidsServed.set(pid, (pidsServed.get(pid) ?? 0) + 1);
        ok++;
      } catch (err) {
        failed.push((err as Error).message);
      }
    }
  });
  try {
    await waitFor(() => master.workers().every((w) => w.recycles.connections >= 2), 60000, `two recycles of each worker; log:\n${logs.join('\n')}`);
    running = false;
    await Promise.all(loops);
    assert.deepEqual(failed, [], 'no request failed');
    assert.ok(ok >= 160, `requests served: ${ok}`);
    // Each replaced process served at least its count (it is checked at each heartbeat, so a few more).
    const full = [...pidsServed.values()].filter((n) => n >= 40);
    assert.ok(full.length >= 4, `processes that served 40 or more: ${[...pidsServed.values()].join(', ')}`);
    for (const w of master.workers()) {
      assert.equal(w.restarts, 0);
      assert.equal(w.recycles.memory, 0);
    }
    assert.ok(logs.some((l) => /served \d+ connections \(maxConnectionsServed 40\); replacing it, new process first/.test(l)), logs.join('\n'));
    assert.equal(master.stats.droppedTotal, 0);
  } finally {
    running = false;
    await Promise.all(loops);
    await master.stop();
  }
});
