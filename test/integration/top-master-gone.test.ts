// The master of a running `portplex top` stops: top restores the terminal, says so, and exits
// with status 1 (PORTPLEX_NOT_RUNNING), as `portplex status` does for a master that is not there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portplex, waitFor } from '../helpers/cluster.js';
import { paneRows, topRig } from '../helpers/top-terminal.js';

test('top: its master stops; the terminal is restored, the reason printed, exit 1 as status', async () => {
  const rig = await topRig('gone', 80, 24, 200);
  try {
    const { pane, sock } = rig;
    await pane.waitFor('four worker rows', (t) => paneRows(t).length === 4);
    const stopped = await portplex('status', '--admin', sock);
    assert.equal(stopped.code, 0);
    // The master stops (SIGTERM through the rig's close would also end the pane: stop it alone).
    const pid = Number(/master pid (\d+)/.exec(stopped.stdout)![1]);
    process.kill(pid, 'SIGTERM');
    await waitFor(() => rig.exitCode() !== undefined, 20000, 'top to exit');
    const notRunning = await portplex('status', '--admin', sock);
    assert.equal(rig.exitCode(), notRunning.code);
    assert.equal(rig.exitCode(), 1);
    assert.equal(await pane.display('#{alternate_on} #{cursor_flag}'), '0 1', 'main screen, cursor shown');
    const text = await pane.capture();
    assert.match(text.replace(/\n/g, ''), /portplex: top: the master stopped answering: cannot reach the admin socket .*\[PORTPLEX_NOT_RUNNING\]/);
  } finally {
    await rig.close();
  }
});
