// A worker that dies did not close its servers: the listener the app asked for stays bound, so a
// client that connects while the only worker restarts waits in the master and is served by the
// replacement (Node's cluster closes a handle no live worker holds, and refuses it meanwhile).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, freePort, get, portplex, runCli, waitFor } from '../helpers/cluster.js';

test('the only worker is killed: a request to its extra port during the restart is served by the replacement', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-crash-'));
  const sock = join(dir, 'admin.sock');
  const [port, extra] = [await freePort(), await freePort()];
  const cli = runCli(['-w', '1', '--grace', '2000', '--admin', sock, fixture('extra-port-app.js')], { APP_PORT: String(port), EXTRA_PORT: String(extra) });
  try {
    await waitFor(() => /1\/1 workers ready/.test(cli.output()) && /app listening/.test(cli.output()), 10000, `ready worker in:\n${cli.output()}`);
    const pid = Number((await get(port, '/')).body);
    process.kill(pid, 'SIGKILL');
    // Sent at once: the worker is dead or dying, its replacement not up yet.
    const during = await get(extra, '/').catch((err: Error) => assert.fail(`${err.message}; output:\n${cli.output()}`));
    assert.deepEqual([during.status, during.body], [200, 'extra\n']);
    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout);
    assert.deepEqual(status.workers.map((w: any) => w.restarts), [1], 'served by the replacement');
    assert.deepEqual(status.listeners.map((l: any) => l.closed), [false, false]);
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
    rmSync(dir, { recursive: true, force: true });
  }
});
