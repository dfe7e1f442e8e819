// Five rolling reloads under keep-alive load (wrk, 32 connections that never ask to close), of
// an http and an https application:
// every connection of an old process ends on a response that carries "Connection: close", and
// wrk opens a new one to a new process; no request fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';
import { failedRequests, startWrk } from '../helpers/wrk-run.js';

const CLIENTS = 32;
const RELOADS = 5;

for (const [scheme, app] of [['http', 'http-app.js'], ['https', 'https-app.js']] as const) {
test(`${RELOADS} reloads under keep-alive wrk load (${scheme}): 0 failed requests, each connection closed by the old process with its last answer`, async (t) => {
  const { master, port } = await startMaster({ script: fixture(app), workers: 2 });
  const wrk = startWrk({ url: `${scheme}://127.0.0.1:${port}/`, threads: 1, connections: CLIENTS });
  try {
    await waitFor(() => master.stats.handedOver >= CLIENTS, 10000, `wrk's ${CLIENTS} connections`);
    for (let r = 0; r < RELOADS; r++) {
      const from = master.stats.handedOver;
      const result = await master.reload();
      assert.deepEqual(result, { replaced: [1, 2] });
      // Each connection open before the reload was on an old process, which ended it: wrk connects again.
      await waitFor(() => master.stats.handedOver >= from + CLIENTS, 10000, `wrk's connections to reach the new processes after reload ${r + 1}`);
    }
    const report = await wrk.stop();
    t.diagnostic(`${report.requests} requests, ${master.stats.handedOver} connections, socket errors ${JSON.stringify(report.errors)}`);
    assert.equal(failedRequests(report), 0, `failed requests in ${RELOADS} reloads: ${JSON.stringify(report.errors)}`);
    assert.equal(report.errors.connect, 0);
    assert.ok(report.requests > 1000, `requests answered: ${report.requests}`);
    assert.equal(master.stats.droppedTotal, 0);
  } finally {
    await wrk.stop().catch(() => {});
    await master.stop();
  }
});
}
