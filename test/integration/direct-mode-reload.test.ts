// Direct mode through a rolling reload: the old processes give up their copies of the shared
// socket, the new ones get theirs, and requests made all the while are all answered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type net from 'node:net';
import { firstLine, fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

test('a rolling reload in direct mode loses no request and leaves only new processes accepting', async () => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 2, mode: 'direct' });
  try {
    const oldPids = new Set(master.workers().map((w) => w.pid));
    let running = true;
    let failures = 0;
    const seen: number[] = [];
    const load = (async () => {
      while (running) {
        try {
          const r = await get(port, '/');
          seen.push(JSON.parse(r.body).pid);
        } catch {
          failures++;
        }
      }
    })();
    const result = await master.reload();
    assert.deepEqual(result.replaced, [1, 2]);
    const after = seen.length;
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await load;
    assert.equal(failures, 0, 'every request answered');
    const newPids = new Set(master.workers().map((w) => w.pid));
    assert.ok([...newPids].every((p) => !oldPids.has(p)));
    const late = seen.slice(after + 5);
    assert.ok(late.length > 0 && late.every((p) => newPids.has(p)), `after the reload only new processes accept: ${late}`);
  } finally {
    await master.stop();
  }
});

test('the retired processes\' connections keep their records until they close, then lose them', async () => {
  const { master, port } = await startMaster({ script: fixture('hold.js'), workers: 2, mode: 'direct', grace: 5000 });
  const open: net.Socket[] = [];
  try {
    for (let i = 0; i < 4; i++) open.push((await firstLine(port)).socket);
    await waitFor(() => master.table.size === 4, 2000, 'four records');
    await master.reload();
    // The old processes still hold these four; two close now.
    assert.equal(master.table.size, 4);
    open[0].destroy();
    open[1].destroy();
    await waitFor(() => master.table.size === 2, 2000, 'the two closes reported by the retired processes');
  } finally {
    for (const s of open) s.destroy();
    await master.stop();
  }
});
