// An unmodified express app that also serves prom-client metrics on a port of its own, with no
// -l: both of its listen() calls are shared by every worker, as under Node's cluster and PM2
// (before, the second port crash-looped: the first worker bound it, the others died EADDRINUSE).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, freePort, handedOver, portplex, runCli, waitFor } from '../helpers/cluster.js';

interface Status {
  listeners: Array<{ index: number; address: string; port: number; onDemand: boolean }>;
  workers: Array<{ id: number; state: string; restarts: number; listening: number[]; handedOver: number }>;
}

async function status(sock: string): Promise<Status | undefined> {
  const { code, stdout } = await portplex('status', '--json', '--admin', sock);
  return code === 0 ? (JSON.parse(stdout) as Status) : undefined;
}

/** GET without keep-alive; resolves with the body and the x-worker header. */
async function get(port: number, path: string): Promise<{ body: string; worker: string | null }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { connection: 'close' } });
  return { body: await res.text(), worker: res.headers.get('x-worker') };
}

for (const workers of [2, 4]) {
  test(`express + prom-client on its own metrics port, ${workers} workers, no -l: both ports served by every worker`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portplex-express-'));
    const sock = join(dir, 'admin.sock');
    const appPort = await freePort();
    const metricsPort = await freePort();
    const cli = runCli(['-w', String(workers), '--admin', sock, '--grace', '2000', fixture('express-metrics-app.js')], {
      APP_PORT: String(appPort), METRICS_PORT: String(metricsPort),
    });
    try {
      let s: Status | undefined;
      await waitFor(() => new RegExp(`${workers}/${workers} workers ready`).test(cli.output()), 15000, `ready workers in:\n${cli.output()}`);
      // Ready means serving a first listener; wait until every worker serves both.
      for (;;) {
        s = await status(sock);
        if (s !== undefined && s.workers.length === workers && s.workers.every((w) => w.listening.length === 2)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.match(cli.output(), new RegExp(`listening on [^ ]+:${appPort} \\(tcp\\) -> group default, round-robin, asked by the app`));
      assert.match(cli.output(), new RegExp(`listening on 127\\.0\\.0\\.1:${metricsPort} \\(tcp\\) -> group default, round-robin, asked by the app`));
      // Both ports are listeners like any other in status: the app's host kept (127.0.0.1 for metrics).
      assert.deepEqual(s.listeners.map((l) => [l.port, l.onDemand]).sort(), [[appPort, true], [metricsPort, true]].sort());
      assert.equal(s.listeners.find((l) => l.port === metricsPort)!.address, '127.0.0.1');

      const appBy = new Map<number, number>();
      const metricsBy = new Map<string, number>();
      let done = 0;
      for (let i = 0; i < 2 * workers; i++) {
        const app = JSON.parse((await get(appPort, '/')).body) as { worker: number };
        appBy.set(app.worker, (appBy.get(app.worker) ?? 0) + 1);
        await handedOver(sock, ++done);
        const m = await get(metricsPort, '/metrics');
        assert.match(m.body, /^app_requests_total \d+$/m, 'the application\'s own metrics text');
        metricsBy.set(m.worker!, (metricsBy.get(m.worker!) ?? 0) + 1);
        await handedOver(sock, ++done);
      }
      const even = Array.from({ length: workers }, (_, i) => [i + 1, 2]);
      assert.deepEqual([...appBy].sort((a, b) => a[0] - b[0]), even, 'the app port, round-robin over every worker');
      assert.deepEqual([...metricsBy].map(([w, n]) => [Number(w), n]).sort((a, b) => a[0] - b[0]), even, 'the metrics port too');

      // The connection table names the metrics port as the cluster address of its records.
      const held = new net.Socket();
      const heldT0 = Date.now();
      let heldEnd = '';
      held.on('end', () => (heldEnd += ` end at ${Date.now() - heldT0} ms`)).on('close', () => (heldEnd += ` close at ${Date.now() - heldT0} ms`));
      await new Promise<void>((resolve, reject) => held.once('error', reject).connect(metricsPort, '127.0.0.1', resolve));
      let table = '';
      for (let t = 0; t < 200 && !new RegExp(`127\\.0\\.0\\.1:${metricsPort}`).test(table); t++) {
        table = (await portplex('connections', '--admin', sock)).stdout;
        await new Promise((r) => setTimeout(r, 20));
      }
      if (!new RegExp(`127\\.0\\.0\\.1:${metricsPort}`).test(table)) {
        const raw = (await portplex('status', '--json', '--admin', sock)).stdout;
        assert.fail(`held ${held.localPort}:${heldEnd} at ${Date.now() - heldT0} ms\n${table}\n${raw}\n${cli.output()}`);
      }
      assert.match(table, new RegExp(`TCP\\s+\\S+\\s+127\\.0\\.0\\.1:\\d+\\s+127\\.0\\.0\\.1:${metricsPort}\\s`));
      held.destroy();

      const after = (await status(sock))!;
      assert.deepEqual(after.workers.map((w) => w.restarts), new Array(workers).fill(0), 'no worker died');
    } finally {
      cli.child.kill('SIGTERM');
      assert.equal((await cli.exited).code, 0, cli.output());
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
