// WATCHDOG_USEC: the master pings WATCHDOG=1 every half of it while its event loop runs; a
// stopped loop (SIGSTOP) stops the pings, so systemd would restart it; they resume with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliPort, fixture, runCli, waitFor } from '../helpers/cluster.js';
import { notifySocket } from '../helpers/notify-socket.js';

const USEC = 400_000;

test(`WATCHDOG_USEC=${USEC}: pings every ${USEC / 2000} ms, none while the master is stopped, again after`, async () => {
  const notify = await notifySocket();
  const cli = runCli(['-w', '1', '-l', '127.0.0.1:0', fixture('http-app.js')], { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: String(USEC) });
  const pings = (): number[] => notify.messages.filter((m) => m.fields.includes('WATCHDOG=1')).map((m) => m.usec);
  try {
    await cliPort(cli.output);
    await waitFor(() => pings().length >= 4, 15000, 'four pings');
    const gaps = pings().slice(1).map((t, i) => t - pings()[i]!);
    // Not faster than asked (a busy machine only makes them later).
    assert.ok(gaps.every((g) => g >= USEC / 2 - 50_000), `gaps ${gaps.join(', ')} µs`);

    cli.child.kill('SIGSTOP');
    const stoppedAt = pings().length;
    // Three intervals of a stopped loop: at most the ping already on its way arrives.
    await new Promise((r) => setTimeout(r, (3 * USEC) / 2000));
    assert.ok(pings().length <= stoppedAt + 1, `${pings().length - stoppedAt} pings from a stopped master`);
    const during = pings().length;
    cli.child.kill('SIGCONT');
    await waitFor(() => pings().length >= during + 2, 15000, 'pings after SIGCONT');
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
  } finally {
    cli.child.kill('SIGCONT');
    cli.child.kill('SIGKILL');
    notify.close();
  }
});
