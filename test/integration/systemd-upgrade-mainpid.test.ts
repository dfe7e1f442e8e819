// `portplex upgrade` under Type=notify: the old master says RELOADING=1, the new one MAINPID=
// (its own pid) with READY=1 before the old one exits, and the old one never says STOPPING=1:
// for systemd the service goes on, now with the new master as its main process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { alive, cliPort, fixture, get, portplex, runCli, waitFor } from '../helpers/cluster.js';
import { notifySequence, notifySocket } from '../helpers/notify-socket.js';

test('NOTIFY_SOCKET and upgrade: RELOADING=1, then MAINPID=<new> READY=1, no STOPPING=1 until the new master stops', async () => {
  const notify = await notifySocket();
  const dir = mkdtempSync(join(tmpdir(), 'portplex-upgrade-notify-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '1', '-l', '127.0.0.1:0', '--admin', sock, fixture('http-app.js')], { NOTIFY_SOCKET: notify.path });
  let current = cli.child.pid!;
  try {
    const port = await cliPort(cli.output);
    await notify.waitForField('READY=1');
    const r = await portplex('upgrade', '--json', '--admin', sock);
    assert.equal(r.code, 0, r.stderr);
    const old = current;
    current = (JSON.parse(r.stdout) as { pid: number }).pid;
    const mainpid = await notify.waitForField(`MAINPID=${current}`);
    assert.ok(notify.messages[mainpid]!.fields.includes('READY=1'));
    await waitFor(() => !alive(old), 20000, 'the old master to exit');
    assert.equal((await get(port)).status, 200);
    assert.deepEqual(notifySequence(notify.messages), ['READY=1', 'RELOADING=1 MONOTONIC_USEC', `MAINPID=${current} READY=1`],
      'the old master, replaced, says nothing more');

    process.kill(current, 'SIGTERM');
    await notify.waitForField('STOPPING=1');
    await waitFor(() => !alive(current), 20000, 'the new master to exit');
    assert.deepEqual(notifySequence(notify.messages), ['READY=1', 'RELOADING=1 MONOTONIC_USEC', `MAINPID=${current} READY=1`, 'STOPPING=1']);
  } finally {
    if (alive(current)) process.kill(current, 'SIGKILL');
    cli.child.kill('SIGKILL');
    notify.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
