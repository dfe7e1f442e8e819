// The CLI with a udp listener: status and `connections --protocol udp` show the flows, and
// /metrics reports flows, datagrams and bytes per worker with exact values.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, fixture, portplex, runCli, waitFor } from '../helpers/cluster.js';
import { parseExposition, value } from '../helpers/prom-text.js';
import { UdpClient } from '../helpers/udp.js';

test('portplex -l udp:...: status, connections --protocol udp and /metrics agree with 3 flows x 2 datagrams', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-udp-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '2', '-l', 'udp:127.0.0.1:0', '--udp-timeout', '60000', '--metrics', '127.0.0.1:0', '--admin', sock, fixture('udp-echo.js')]);
  const clients: UdpClient[] = [];
  try {
    const port = await cliPort(cli.output);
    assert.match(cli.output(), new RegExp(`listening on 127\\.0\\.0\\.1:${port} \\(udp\\) -> group default, round-robin`));
    let metricsPort = 0;
    await waitFor(() => {
      const m = /metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(cli.output());
      if (m) metricsPort = Number(m[1]);
      return metricsPort > 0;
    }, 10000, 'the metrics line');
    // Both workers serve the port before the first flow, so round-robin's spread is exact.
    for (let tries = 0; ; tries++) {
      const s = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout);
      if (s.workers.every((w: { listening: number[] }) => w.listening.length === 1)) break;
      assert.ok(tries < 100, 'both workers serve the udp listener');
      await new Promise((r) => setTimeout(r, 50));
    }
    for (let i = 0; i < 3; i++) clients.push(await UdpClient.open());
    for (const c of clients) for (const q of ['a', 'bb']) await c.ask(port, q);

    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout);
    assert.deepEqual(status.listeners.map((l: { protocol: string; port: number }) => [l.protocol, l.port]), [['udp', port]]);
    assert.deepEqual([status.udp.flows, status.udp.received], [3, [6]]);
    const text = (await portplex('status', '--admin', sock)).stdout;
    assert.match(text, new RegExp(`listener 0  udp 127\\.0\\.0\\.1:${port}  group default  round-robin`));

    const json = JSON.parse((await portplex('connections', '--protocol', 'udp', '--json', '--admin', sock)).stdout);
    assert.deepEqual(
      json.records.map((r: { protocol: string; state: string; clientPort: number; cluster: string; worker: number }) => [r.protocol, r.state, r.clientPort, r.cluster, r.worker]).sort((x: number[], y: number[]) => x[2] - y[2]),
      clients.map((c, i) => ['udp', 'established', c.port, `127.0.0.1:${port}`, (i % 2) + 1]).sort((x, y) => (x[2] as number) - (y[2] as number)),
    );
    for (const r of json.records) assert.ok(r.idleMs >= 0 && r.idleMs < 60000);
    const none = JSON.parse((await portplex('connections', '--protocol', 'tcp', '--json', '--admin', sock)).stdout);
    assert.deepEqual(none.records, []);
    const table = (await portplex('connections', '--admin', sock)).stdout;
    assert.match(table, /^pro +state +client +cluster +worker +pid +age +idle\nUDP +established +127\.0\.0\.1:\d+ +127\.0\.0\.1:\d+ +[12] +\d+ +\d+s +\d+s\n/);
    const bad = await portplex('connections', '--protocol', 'sctp', '--admin', sock);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /protocol: expected tcp or udp, got "sctp"/);

    // Replies are counted when the master sends them: wait for the last one.
    let e = parseExposition(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
    for (let tries = 0; value(e, 'portplex_udp_datagrams_total', { worker: '2', direction: 'out' }) < 2 && tries < 100; tries++) {
      await new Promise((r) => setTimeout(r, 20));
      e = parseExposition(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
    }
    const address = `127.0.0.1:${port}`;
    assert.equal(value(e, 'portplex_udp_datagrams_received_total', { listener: '0', address }), 6);
    assert.equal(value(e, 'portplex_udp_flows_active', { listener: '0', address }), 3);
    assert.equal(value(e, 'portplex_udp_flows_created_total', { listener: '0', address }), 3);
    assert.equal(value(e, 'portplex_udp_flows_expired_total', { listener: '0', address }), 0);
    assert.equal(value(e, 'portplex_udp_flows_evicted_total', { listener: '0', address }), 0);
    // Worker 1 has flows 0 and 2, worker 2 flow 1; each flow sent "a" and "bb".
    assert.deepEqual(
      [['1', 'in'], ['2', 'in'], ['1', 'out'], ['2', 'out']].map(([worker, direction]) => value(e, 'portplex_udp_datagrams_total', { worker, direction })),
      [4, 2, 4, 2],
    );
    assert.deepEqual([value(e, 'portplex_udp_bytes_total', { worker: '1', direction: 'in' }), value(e, 'portplex_udp_bytes_total', { worker: '2', direction: 'in' })], [6, 3]);
    const outBytes = (w: number) => clients.flatMap((c) => c.replies).filter((r) => r.worker === w).reduce((n, r) => n + Buffer.byteLength(r.text), 0);
    assert.deepEqual([value(e, 'portplex_udp_bytes_total', { worker: '1', direction: 'out' }), value(e, 'portplex_udp_bytes_total', { worker: '2', direction: 'out' })], [outBytes(1), outBytes(2)]);
    for (const reason of ['no_worker', 'oversize', 'flow_limit', 'queue_full', 'worker_gone', 'send_error', 'shutdown']) {
      assert.equal(value(e, 'portplex_udp_datagrams_dropped_total', { reason }), 0, reason);
    }
    assert.equal(e.types.get('portplex_udp_flows_active'), 'gauge');
  } finally {
    for (const c of clients) c.close();
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
