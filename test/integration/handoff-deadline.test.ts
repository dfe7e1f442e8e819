// A worker whose event loop is blocked misses its hand-over deadline: it gets nothing new, what
// waited behind it moves on at once, and the connection in flight goes elsewhere only once the
// worker has refused it (never two owners).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

test('a blocked worker is stalled after --handoff-timeout; every connection is served, none twice', async () => {
  // Window 1: at most one connection is in flight to the worker when it blocks (a wider window
  // lets that many wait for its answer, as the README says).
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 2, handoffTimeout: 400, handoffWindow: 1 });
  try {
    // Round-robin: worker 1 takes the blocking request and freezes for 1.5 s (under 5 deadlines).
    const dir = mkdtempSync(join(tmpdir(), 'portplex-block-'));
    const flag = join(dir, 'blocked');
    const blocking = get(port, `/block?ms=1500&flag=${encodeURIComponent(flag)}`);
    await waitFor(() => existsSync(flag), 2000, 'worker 1 to start blocking');
    rmSync(dir, { recursive: true, force: true });
    const started = Date.now();
    const times: number[] = [];
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => get(port, `/after${i}`).then((r) => {
      times.push(Date.now() - started);
      return r;
    })));
    for (const r of replies) assert.equal(r.status, 200);
    assert.deepEqual(new Set(replies.map((r) => JSON.parse(r.body).worker)), new Set([2]), 'only the live worker answered');
    times.sort((a, b) => a - b);
    // At most one connection was already in flight to worker 1: it waits for worker 1's refusal.
    assert.ok(times[8] < 1200, `9 of 10 served before the blocked worker woke up: ${times.join(', ')} ms`);
    assert.ok(master.stats.handoffTimeouts >= 1, `timeouts: ${master.stats.handoffTimeouts}`);
    assert.equal((await blocking).status, 200);
    await waitFor(() => !master.workers().some((w) => w.state !== 'ready'), 2000, 'both workers ready');
    const after = await Promise.all(Array.from({ length: 6 }, () => get(port, '/')));
    assert.ok(after.some((r) => JSON.parse(r.body).worker === 1), 'worker 1 serves again after it answered');
    assert.equal(master.stats.lateAcks, 0);
    assert.equal(master.stats.droppedTotal, 0);
    assert.equal(master.workers()[0].restarts, 0, 'a worker blocked for less than 5 deadlines is not killed');
  } finally {
    await master.stop();
  }
});

test('a worker silent for 5 hand-over deadlines is killed; its connection goes to another worker', async () => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 2, handoffTimeout: 200, restartDelay: 50 });
  try {
    const blocking = get(port, '/block?ms=5000').catch(() => ({ status: 0, body: '' }));
    await waitFor(() => master.stats.handedOver === 1, 2000, 'the blocking request to be handed over');
    const replies = await Promise.all(Array.from({ length: 4 }, () => get(port, '/')));
    for (const r of replies) assert.equal(JSON.parse(r.body).worker, 2);
    assert.equal((await blocking).status, 0, 'the killed worker never answered its own request');
    await waitFor(() => master.workers()[0].restarts === 1 && master.workers()[0].state === 'ready', 5000, 'worker 1 killed and restarted');
    assert.equal(master.stats.droppedTotal, 0);
    assert.equal(master.stats.lateAcks, 0);
  } finally {
    await master.stop();
  }
});
