// SIGTERM to the CLI under keep-alive load (32 clients, each keeping its connection between
// requests), with a --grace long enough: each connection ends with a "Connection: close"
// answer, the workers exit without being killed (exit status 0), and no request fails; a
// client that connects again afterwards is refused, as the service has stopped.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, fixture, handedOver, runCli, waitFor } from '../helpers/cluster.js';
import { keepAliveLoad } from '../helpers/keepalive-load.js';

const CLIENTS = 32;

test('SIGTERM under keep-alive load: 0 failed requests, every worker finished within --grace', { timeout: 60000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-ka-term-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--grace', '10000', '--admin', sock, fixture('http-app.js')]);
  let load: ReturnType<typeof keepAliveLoad> | undefined;
  try {
    const port = await cliPort(cli.output);
    load = keepAliveLoad(port, CLIENTS);
    await handedOver(sock, CLIENTS);
    await waitFor(() => load!.answered() >= 500, 10000, 'answers on the kept-alive connections');
    cli.child.kill('SIGTERM');
    const exit = await cli.exited;
    const { failed, refused } = await load.stop();
    t.diagnostic(`${load.answered()} answered, ${refused} clients refused after the stop, failed: ${JSON.stringify(failed)}`);
    assert.deepEqual(exit, { code: 0, signal: null }, cli.output());
    assert.deepEqual(failed, []);
  } finally {
    await load?.stop();
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
