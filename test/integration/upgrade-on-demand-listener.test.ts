// `portplex upgrade` of a master that serves the port the application itself listens on (no -l):
// the new master's workers ask for the same address, and it gets the old master's socket for it
// instead of binding anew; clients looping on it see no failure (the second upgrade on SIGUSR2).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clientLoop } from '../helpers/client-loop.js';
import { alive, cliPort, fixture, freePort, portplex, runCli, waitFor } from '../helpers/cluster.js';

test("upgrade with a listener bound on the app's request: the new master takes it over, 0 failed requests", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-upgrade-on-demand-'));
  const sock = join(dir, 'admin.sock');
  const port = await freePort();
  const cli = runCli(['-w', '2', '--grace', '3000', '--admin', sock, fixture('http-app.js')], { PORT: String(port) });
  let current = cli.child.pid!;
  let loop: ReturnType<typeof clientLoop> | undefined;
  try {
    assert.equal(await cliPort(cli.output), port);
    assert.match(cli.output(), /asked by the app/);
    loop = clientLoop(port);
    await waitFor(() => loop!.ok() >= 50, 10000, 'answers before the upgrade');
    const masterPid = async (): Promise<number> => {
      const r = await portplex('status', '--json', '--admin', sock);
      return r.code === 0 ? (JSON.parse(r.stdout) as { pid: number }).pid : 0;
    };
    for (let u = 0; u < 2; u++) {
      const old = current;
      if (u === 0) {
        const r = await portplex('upgrade', '--json', '--admin', sock);
        assert.equal(r.code, 0, r.stderr);
        current = (JSON.parse(r.stdout) as { pid: number }).pid;
      } else {
        // The same upgrade on a signal, as nginx's USR2.
        process.kill(old, 'SIGUSR2');
        const end = Date.now() + 20000;
        while ((current = await masterPid()) === old || current === 0) {
          assert.ok(Date.now() < end, 'a new master after SIGUSR2');
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      await waitFor(() => !alive(old), 20000, 'the old master to exit');
      const before = loop.ok();
      await waitFor(() => loop!.ok() >= before + 50, 10000, 'answers after the upgrade');
    }
    await loop.stop();
    assert.deepEqual(loop.failures(), [], `${loop.failures().length} of ${loop.ok()} requests failed`);
    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { pid: number; listeners: Array<{ port: number; onDemand: boolean }> };
    assert.equal(status.pid, current);
    assert.deepEqual(status.listeners.map((l) => [l.port, l.onDemand]), [[port, true]]);
    assert.doesNotMatch(cli.output(), /EADDRINUSE/);
  } finally {
    await loop?.stop();
    if (alive(current)) process.kill(current, 'SIGTERM');
    await waitFor(() => !alive(current), 20000, 'the last master to exit').catch(() => {});
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
