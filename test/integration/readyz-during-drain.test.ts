// /readyz answers 503 from the moment SIGTERM is handled and all through the drain that
// follows (a request still being served), while /healthz stays 200 until the master is gone.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliMetricsPort, cliPort, fixture, get, readyzAfterSigterm, runCli, waitFor } from '../helpers/cluster.js';

test('SIGTERM: /readyz 503 at once and during the drain, /healthz 200, the request in progress answered', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-readyz-'));
  const started = join(dir, 'started');
  const release = join(dir, 'release');
  const cli = runCli(['-w', '1', '-l', '127.0.0.1:0', '--metrics', '127.0.0.1:0', '--grace', '30000', fixture('http-app.js')]);
  try {
    const port = await cliPort(cli.output);
    const metricsPort = await cliMetricsPort(cli.output);
    assert.equal((await get(metricsPort, '/readyz')).status, 200);
    // A request the worker is serving until the test says so: the drain cannot end before.
    const busy = get(port, `/block?until=${encodeURIComponent(release)}&flag=${encodeURIComponent(started)}`);
    await waitFor(() => existsSync(started), 10000, 'the worker to take the request');

    const { probes, ms } = await readyzAfterSigterm(cli.child, metricsPort);
    t.diagnostic(`readyz 503 ${ms} ms after SIGTERM (probes ${probes.join(', ')})`);
    assert.ok(probes.at(-1) === 503 && probes.length <= 2, `readyz probes after SIGTERM: ${probes.join(', ')}`);
    await waitFor(() => /SIGTERM, draining/.test(cli.output()), 10000, 'the drain');
    const during = await get(metricsPort, '/readyz');
    assert.equal(during.status, 503);
    assert.equal(during.body, 'not ready: the master is stopping\n');
    assert.equal((await get(metricsPort, '/healthz')).status, 200);

    writeFileSync(release, '');
    assert.equal((await busy).status, 200);
    assert.equal((await cli.exited).code, 0, cli.output());
  } finally {
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
