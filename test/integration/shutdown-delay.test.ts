// SIGTERM with --shutdown-delay, in the order Kubernetes needs it: /readyz answers 503 at once,
// /healthz 200, status says "stopping", and new connections are still served until the delay
// is over; only then does the master stop accepting and drain.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliMetricsPort, cliPort, fixture, get, portplex, readyzAfterSigterm, runCli, tryConnect } from '../helpers/cluster.js';

const DELAY = 3000;

test(`--shutdown-delay ${DELAY}: not ready at once, serving new connections until the delay is over, then refused`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-delay-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--metrics', '127.0.0.1:0', '--admin', sock, '--shutdown-delay', String(DELAY), fixture('http-app.js')]);
  try {
    const port = await cliPort(cli.output);
    const metricsPort = await cliMetricsPort(cli.output);
    assert.equal((await get(metricsPort, '/readyz')).status, 200);

    const { probes, ms } = await readyzAfterSigterm(cli.child, metricsPort);
    t.diagnostic(`readyz 503 ${ms} ms after SIGTERM (probes ${probes.join(', ')})`);
    assert.ok(probes.at(-1) === 503 && probes.length <= 2, `readyz probes after SIGTERM: ${probes.join(', ')}`);

    // Within the delay: alive, serving new connections, and stopping.
    const [health, ...served] = await Promise.all([get(metricsPort, '/healthz'), get(port, '/during-1'), get(port, '/during-2')]);
    const logThen = cli.output();
    assert.equal(health.status, 200);
    assert.deepEqual(served.map((r) => r.status), [200, 200]);
    assert.doesNotMatch(logThen, /shutdown delay over/, 'answered within the delay, before the drain began');
    const status = await portplex('status', '--json', '--admin', sock);
    assert.equal(JSON.parse(status.stdout).state, 'stopping');

    const { code } = await cli.exited;
    assert.equal(code, 0, cli.output());
    const log = cli.output();
    const order = ['SIGTERM: not ready any more', 'shutdown delay over', 'stopped cleanly'].map((s) => log.indexOf(s));
    assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), `log order: ${log}`);
    assert.equal(await tryConnect('127.0.0.1', port), 'ECONNREFUSED');
  } finally {
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
