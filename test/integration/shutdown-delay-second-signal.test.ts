// A second SIGTERM during --shutdown-delay stops at once: the delay is cut short, the workers
// are killed (not restarted), and the master exits with status 5.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alive, cliPort, fixture, get, runCli, waitFor } from '../helpers/cluster.js';

test('--shutdown-delay 600000: a second SIGTERM kills the workers and exits 5 at once', async () => {
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--shutdown-delay', '600000', fixture('http-app.js')]);
  try {
    const port = await cliPort(cli.output);
    const pids = new Set<number>();
    for (let i = 0; i < 6 && pids.size < 2; i++) pids.add((JSON.parse((await get(port)).body) as { pid: number }).pid);
    assert.equal(pids.size, 2);
    cli.child.kill('SIGTERM');
    await waitFor(() => /SIGTERM: not ready any more/.test(cli.output()), 10000, 'the first signal');
    cli.child.kill('SIGTERM');
    const { code } = await cli.exited;
    assert.equal(code, 5, cli.output());
    assert.match(cli.output(), /SIGTERM again, killing workers now/);
    assert.doesNotMatch(cli.output(), /shutdown delay over/);
    for (const pid of pids) assert.equal(alive(pid), false, `worker pid ${pid} still runs`);
    assert.doesNotMatch(cli.output(), /worker \d+ \(pid \d+\) exited/, 'a killed worker is not reported as a crash, nor restarted');
  } finally {
    cli.child.kill('SIGKILL');
  }
});
