// --max-memory: a worker whose app leaks is replaced the way reload replaces one, new process
// first, while clients keep making requests: none of them fails, and the recycle is counted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMasterMetrics } from '../../src/metrics/master-metrics.js';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';
import { parseExposition, sum } from '../helpers/prom-text.js';

/** Clients making new connections back to back until stopped, counting every failure. */
function steadyLoad(port: number, clients: number): { stop: () => Promise<{ ok: number; failed: string[]; pids: Set<number> }> } {
  let running = true;
  const result = { ok: 0, failed: [] as string[], pids: new Set<number>() };
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      try {
        const r = await get(port, '/');
        if (r.status !== 200) throw new Error(`status ${r.status}`);
        result.pids.add(JSON.parse(r.body).pid);
        result.ok++;
      } catch (err) {
        result.failed.push((err as Error).message);
      }
    }
  });
  return { stop: async () => { running = false; await Promise.all(loops); return result; } };
}

const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

test('a leaking worker above maxMemory is replaced under load: zero failed requests, counted as a memory recycle', async () => {
  // 1 MiB kept per request: a fresh Node process is far below 160M, a leaking one gets there in
  // about a hundred requests.
  const { master, port } = await startMaster({ script: fixture('leak-app.js'), workers: 2, maxMemory: '160M', healthInterval: 100, minUptime: 200 });
  const metrics = createMasterMetrics(master);
  const logs: string[] = [];
  master.on('log', (line: string) => logs.push(line));
  try {
    const before = master.workers().map((w) => w.pid);
    const load = steadyLoad(port, 4);
    await waitFor(() => master.workers().every((w) => w.recycles.memory >= 1), 60000, `both workers recycled; log:\n${logs.join('\n')}`);
    const seen = await load.stop();
    assert.deepEqual(seen.failed, [], 'no request failed while workers were replaced');
    assert.ok(seen.ok > 100, `requests served: ${seen.ok}`);
    const after = master.workers();
    for (const w of after) {
      assert.ok(!before.includes(w.pid), `worker ${w.id} runs a new process`);
      assert.equal(w.restarts, 0, 'replaced, not crashed and restarted');
      assert.equal(w.state, 'ready');
    }
    assert.ok(before.every((pid) => seen.pids.has(pid)), 'the old processes served until they were replaced');
    assert.equal(master.stats.droppedTotal, 0);
    assert.ok(logs.some((l) => /worker \d \(pid \d+\) uses [\d.]+M of resident memory, above maxMemory 160M; replacing it, new process first/.test(l)), logs.join('\n'));
    await waitFor(() => before.every((pid) => !alive(pid)), 10000, 'the old processes to finish and exit');

    const e = parseExposition(await metrics.registry.metrics());
    const recycled = sum(e, 'portplex_worker_recycles_total', { reason: 'memory' });
    assert.equal(recycled, after.reduce((n, w) => n + w.recycles.memory, 0));
    assert.ok(recycled >= 2, `memory recycles: ${recycled}`);
    assert.equal(sum(e, 'portplex_worker_recycles_total', { reason: 'connections' }), 0);
  } finally {
    metrics.close();
    await master.stop();
  }
});
