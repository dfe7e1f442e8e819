// `portplex upgrade` of a master whose socket systemd passed: the new master takes it over as
// systemd's (matched by name again, shown as from systemd), sees no LISTEN_* variable, and
// clients looping on it see no failure.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clientLoop } from '../helpers/client-loop.js';
import { alive, CLI, fixture, freePort, get, portplex, waitFor } from '../helpers/cluster.js';
import { listeningInodes, listenVariablesOf, socketActivate, socketsOf } from '../helpers/socket-activate.js';

test('upgrade of an activated master: the new one serves the socket from systemd, by its name, with 0 failed requests', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-activated-upgrade-'));
  const sock = join(dir, 'admin.sock');
  const port = await freePort();
  const run = await socketActivate([`127.0.0.1:${port}`], [process.execPath, CLI, '-w', '2', '-l', 'systemd:web', '--grace', '3000', '--admin', sock, fixture('http-app.js')], { fdnames: ['web'] });
  let current = run.child.pid!;
  let loop: ReturnType<typeof clientLoop> | undefined;
  try {
    const socket = listeningInodes(port);
    assert.equal((await get(port)).status, 200);
    await waitFor(() => /admin socket/.test(run.output()), 10000, `the admin line in:\n${run.output()}`);
    loop = clientLoop(port, 4);
    await waitFor(() => loop!.ok() >= 50, 10000, 'answers before the upgrade');
    const r = await portplex('upgrade', '--json', '--admin', sock);
    assert.equal(r.code, 0, r.stderr);
    const old = current;
    current = (JSON.parse(r.stdout) as { pid: number }).pid;
    await waitFor(() => !alive(old), 20000, 'the old master to exit');
    const before = loop.ok();
    await waitFor(() => loop!.ok() >= before + 50, 10000, 'answers after the upgrade');
    await loop.stop();
    assert.deepEqual(loop.failures(), [], `${loop.failures().length} of ${loop.ok()} requests failed`);

    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { pid: number; listeners: Array<{ port: number; origin: string; fdName?: string }> };
    assert.equal(status.pid, current);
    assert.deepEqual(status.listeners.map((l) => [l.port, l.origin, l.fdName]), [[port, 'systemd', 'web']]);
    assert.match(run.output(), /took over 1 listening socket\(s\) from the old master/);
    assert.equal((run.output().match(new RegExp(`listening on 127\\.0\\.0\\.1:${port} \\(tcp, from systemd: web\\)`, 'g')) ?? []).length, 2, 'both masters say where it came from');
    assert.deepEqual(listeningInodes(port), socket, 'the same socket all along');
    assert.ok(socketsOf(current).includes(socket[0]!));
    assert.deepEqual(listenVariablesOf(current), [], 'the new master was not started with LISTEN_*');
  } finally {
    await loop?.stop();
    if (alive(current)) process.kill(current, 'SIGTERM');
    await waitFor(() => !alive(current), 20000, 'the last master to exit').catch(() => {});
    run.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
