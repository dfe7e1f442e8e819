// `portplex upgrade` of a direct-mode master (workers accept on the shared socket themselves):
// the new master's workers accept on the socket the old master passed, the old workers stop
// accepting and drain; clients looping on it see no failure.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clientLoop } from '../helpers/client-loop.js';
import { alive, cliPort, fixture, freePort, portplex, runCli, waitFor } from '../helpers/cluster.js';

test('upgrade in direct mode: the new workers accept on the passed socket, 0 failed requests', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-upgrade-direct-'));
  const sock = join(dir, 'admin.sock');
  const port = await freePort();
  const cli = runCli(['-w', '2', '--mode', 'direct', '-l', `127.0.0.1:${port}`, '--grace', '3000', '--admin', sock, fixture('http-app.js')]);
  let current = cli.child.pid!;
  let loop: ReturnType<typeof clientLoop> | undefined;
  try {
    assert.equal(await cliPort(cli.output), port);
    loop = clientLoop(port);
    await waitFor(() => loop!.ok() >= 50, 10000, 'answers before the upgrade');
    for (let u = 0; u < 2; u++) {
      const r = await portplex('upgrade', '--json', '--admin', sock);
      assert.equal(r.code, 0, r.stderr);
      const old = current;
      current = (JSON.parse(r.stdout) as { pid: number }).pid;
      await waitFor(() => !alive(old), 20000, 'the old master to exit');
      const before = loop.ok();
      await waitFor(() => loop!.ok() >= before + 50, 10000, 'answers after the upgrade');
    }
    await loop.stop();
    assert.deepEqual(loop.failures(), [], `${loop.failures().length} of ${loop.ok()} requests failed`);
    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { pid: number; listeners: Array<{ port: number; mode: string }> };
    assert.equal(status.pid, current);
    assert.deepEqual(status.listeners.map((l) => [l.port, l.mode]), [[port, 'direct']]);
    assert.doesNotMatch(cli.output(), /EADDRINUSE/);
  } finally {
    await loop?.stop();
    if (alive(current)) process.kill(current, 'SIGTERM');
    await waitFor(() => !alive(current), 20000, 'the last master to exit').catch(() => {});
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
