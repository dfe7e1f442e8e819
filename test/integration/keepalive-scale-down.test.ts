// A scale-down under keep-alive load (wrk, 32 connections that never ask to close): the removed
// workers end each of their connections with a "Connection: close" answer, wrk reconnects to
// the remaining ones, the removed processes exit, and no request fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';
import { failedRequests, startWrk } from '../helpers/wrk-run.js';

const CLIENTS = 32;
const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

test('scale 4 -> 2 under keep-alive wrk load: 0 failed requests, the removed processes exit on their own', { timeout: 60000 }, async (t) => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 4, grace: 10000 });
  const wrk = startWrk({ url: `http://127.0.0.1:${port}/`, threads: 1, connections: CLIENTS });
  try {
    await waitFor(() => master.stats.handedOver >= CLIENTS, 10000, `wrk's ${CLIENTS} connections`);
    const removed = master.workers().filter((w) => w.id > 2).map((w) => w.pid);
    const from = master.stats.handedOver;
    master.scale(2);
    // Well before the last call (9 s into a 10 s grace): they end on their connections' next answers.
    await waitFor(() => removed.every((p) => !alive(p)), 8000, 'the removed processes to finish and exit');
    await waitFor(() => master.stats.handedOver > from, 5000, 'wrk to reconnect');
    const report = await wrk.stop();
    t.diagnostic(`${report.requests} requests, ${master.stats.handedOver} connections, socket errors ${JSON.stringify(report.errors)}`);
    assert.equal(failedRequests(report), 0, `failed requests: ${JSON.stringify(report.errors)}`);
    assert.equal(report.errors.connect, 0);
    assert.deepEqual(master.workers().map((w) => w.id), [1, 2]);
  } finally {
    await wrk.stop().catch(() => {});
    await master.stop();
  }
});
