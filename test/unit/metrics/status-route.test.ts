// /status and /status.json on a real master's metrics endpoint: headers, methods and bodies as
// /metrics has them, and the data the admin socket's status answer has, its table summarised.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { statusSnapshot } from '../../../src/master/status-snapshot.js';
import { startMetricsServer } from '../../../src/metrics/http-endpoint.js';
import { createMasterMetrics } from '../../../src/metrics/master-metrics.js';
import { STATUS_PAGE_CSP } from '../../../src/metrics/status-page.js';
import { fixture, startMaster, waitFor } from '../../helpers/cluster.js';
import { rawExchange } from '../../helpers/raw-exchange.js';

test('/status and /status.json: headers, methods, bodies, and the status answer with the table summarised', async () => {
  const { master, port } = await startMaster({ script: fixture('hold.js'), workers: 2 });
  const metrics = createMasterMetrics(master);
  const server = await startMetricsServer(master, metrics.registry, { port: 0, workerMetrics: 'off' });
  const url = (path: string): string => `http://127.0.0.1:${server.port}${path}`;
  const held: net.Socket[] = [];
  try {
    for (let i = 0; i < 3; i++) held.push(net.connect(port, '127.0.0.1'));
    await waitFor(() => master.stats.handedOver === 3, 5000, '3 hand-overs');

    for (const [path, type] of [['/status', 'text/html; charset=utf-8'], ['/status.json?x=1', 'application/json; charset=utf-8']]) {
      const res = await fetch(url(path!));
      assert.equal(res.status, 200);
      assert.deepEqual(
        ['content-type', 'content-security-policy', 'x-content-type-options', 'cache-control'].map((h) => res.headers.get(h)),
        [type, STATUS_PAGE_CSP, 'nosniff', 'no-store'],
      );
      const body = await res.text();
      assert.equal(Number(res.headers.get('content-length')), Buffer.byteLength(body));
    }

    const view = await (await fetch(url('/status.json'))).json() as Record<string, any>;
    const snapshot = JSON.parse(JSON.stringify(statusSnapshot(master))) as Record<string, any>;
    // The admin answer's keys, in its order, then the page's own.
    assert.deepEqual(Object.keys(view), [...Object.keys(snapshot), 'queueSize', 'at']);
    for (const key of ['version', 'pid', 'state', 'listeners', 'stats', 'udp']) assert.deepEqual(view[key], snapshot[key], key);
    assert.deepEqual(view.workers.map((w: any) => Object.keys(w)), snapshot.workers.map((w: any) => Object.keys(w)));
    assert.deepEqual(view.workers.map((w: any) => [w.id, w.pid, w.state, w.active]), snapshot.workers.map((w: any) => [w.id, w.pid, w.state, w.active]));
    assert.deepEqual(view.table, {
      records: 3,
      byState: { queued: 0, 'handing-over': 0, established: 3 },
      byProtocol: { tcp: 3, udp: 0 },
      // Which worker took which depends on who answered first: as the workers' own counts.
      byWorker: view.workers.map((w: any) => ({ worker: w.id, records: w.active })),
      retired: 0,
      byListener: [{ listener: 0, queued: 0, 'handing-over': 0, established: 3 }],
      oldestAgeMs: view.table.oldestAgeMs,
    });
    assert.equal(view.workers.reduce((n: number, w: any) => n + w.active, 0), 3);
    assert.ok(view.table.oldestAgeMs >= 0 && view.table.oldestAgeMs < 60_000, `oldest ${view.table.oldestAgeMs} ms`);
    assert.equal(view.queueSize, master.config.queueSize);
    assert.doesNotMatch(JSON.stringify(view), /clientAddress|clientPort/, 'nothing per client');

    // Methods and bodies as /metrics: HEAD and POST 405, a body over 1 KiB 413, a path below 404.
    for (const path of ['/status', '/status.json']) {
      for (const method of ['HEAD', 'POST']) {
        const res = await fetch(url(path), { method });
        assert.deepEqual([res.status, res.headers.get('allow')], [405, 'GET'], `${method} ${path}`);
        await res.text();
      }
      assert.match(await rawExchange(server.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n`), /^HTTP\/1\.1 413 /);
    }
    for (const path of ['/status/', '/status.html', '/STATUS']) assert.equal((await fetch(url(path))).status, 404, path);
  } finally {
    for (const s of held) s.destroy();
    await master.stop();
    await server.close();
    metrics.close();
  }
});
