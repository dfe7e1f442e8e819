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
    await waitFor(() => pings().length >= 6, 15000, 'six pings');
    // Not faster than asked. Each ping is a systemd-notify process, so on a busy machine one can
    // arrive late and the next just after it: single gaps say nothing, the span of five does
    // (1000 ms asked; half of it would mean pings at twice the rate).
    const seen = pings().slice(0, 6);
    assert.ok(seen[5]! - seen[0]! >= (5 * USEC) / 2 / 2, `pings at ${seen.map((t) => t - seen[0]!).join(', ')} µs`);

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
