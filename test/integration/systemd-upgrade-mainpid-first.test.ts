// Under a busy systemd (its notification socket read slowly), an upgrade's new master is known
// as the main process before the old one exits: the old master is let go only once MAINPID= has
// been read. The other way round, systemd would see its main process exit, end the service, and
// stop the new master with it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { alive, cliPort, fixture, portplex, runCli, waitFor } from '../helpers/cluster.js';
import { notifySocket } from '../helpers/notify-socket.js';

test('a slow notification socket: the old master exits only after MAINPID=<new> was read', async () => {
  const notify = await notifySocket(300);
  const dir = mkdtempSync(join(tmpdir(), 'portplex-upgrade-busy-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '1', '-l', '127.0.0.1:0', '--admin', sock, fixture('http-app.js')], { NOTIFY_SOCKET: notify.path });
  let oldExitUsec = 0;
  void cli.exited.then(() => { oldExitUsec = Number(process.hrtime.bigint() / 1000n); });
  let current = cli.child.pid!;
  try {
    await cliPort(cli.output, 30000);
    await notify.waitForField('READY=1');
    const r = await portplex('upgrade', '--json', '--admin', sock);
    assert.equal(r.code, 0, r.stderr);
    current = (JSON.parse(r.stdout) as { pid: number }).pid;
    const mainpid = await notify.waitForField(`MAINPID=${current}`, 0, 30000);
    await waitFor(() => oldExitUsec > 0, 30000, 'the old master to exit');
    const readUsec = notify.messages[mainpid]!.usec;
    assert.ok(readUsec < oldExitUsec, `MAINPID= read ${readUsec - oldExitUsec} µs after the old master exited`);
  } finally {
    if (alive(current)) process.kill(current, 'SIGKILL');
    cli.child.kill('SIGKILL');
    notify.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
