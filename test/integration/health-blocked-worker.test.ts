// Active health: a worker whose event loop is blocked for 3 s misses heartbeats, is marked
// unhealthy, receives nothing meanwhile, and comes back after `rise` good heartbeats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

test('a worker blocked for 3 s is unhealthy meanwhile and gets no connection; then it recovers', async () => {
  const { master, port } = await startMaster({
    script: fixture('http-app.js'), workers: 2, healthInterval: 200, fall: 2, rise: 2, maxEventLoopDelay: 500,
  });
  const logs: string[] = [];
  master.on('log', (l: string) => logs.push(l));
  try {
    const started = Date.now();
    const blocking = get(port, '/block?ms=3000');
    await waitFor(() => master.workers()[0].healthy === false, 2000, 'worker 1 to be marked unhealthy');
    const markedAfter = Date.now() - started;
    const during: number[] = [];
    for (let i = 0; i < 10; i++) during.push(JSON.parse((await get(port, '/')).body).worker);
    const servedBy = Date.now() - started;
    assert.deepEqual(during, new Array(10).fill(2), 'an unhealthy worker receives nothing');
    assert.ok(servedBy < 2900, `all 10 served while worker 1 was still blocked (${markedAfter} ms to mark, ${servedBy} ms to serve)`);
    assert.equal(master.workers()[0].state, 'ready', 'unhealthy is not dead: it is not restarted');
    assert.equal((await blocking).status, 200);
    await waitFor(() => master.workers()[0].healthy, 3000, 'worker 1 healthy again');
    assert.ok(logs.some((l) => /worker 1 \(pid \d+\) is unhealthy/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /worker 1 \(pid \d+\) is healthy again/.test(l)), logs.join('\n'));
    const after = await Promise.all(Array.from({ length: 4 }, () => get(port, '/')));
    assert.ok(after.some((r) => JSON.parse(r.body).worker === 1), 'worker 1 serves again');
    assert.equal(master.workers()[0].restarts, 0);
    assert.equal(master.stats.droppedTotal, 0);
  } finally {
    await master.stop();
  }
});

test('a worker unhealthy past unhealthyTimeout is restarted', async () => {
  const { master, port } = await startMaster({
    script: fixture('http-app.js'), workers: 2, healthInterval: 100, fall: 2, maxEventLoopDelay: 200, unhealthyTimeout: 500, restartDelay: 50,
  });
  try {
    const pid = master.workers()[0].pid;
    void get(port, '/block?ms=4000').catch(() => {});
    await waitFor(() => master.workers()[0].pid !== pid && master.workers()[0].state === 'ready', 5000, 'worker 1 restarted');
    assert.equal(master.workers()[0].restarts, 1);
  } finally {
    await master.stop();
  }
});
