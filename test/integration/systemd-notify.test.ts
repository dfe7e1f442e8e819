// Type=notify: the master tells systemd's notification socket READY=1 once every worker is ready,
// RELOADING=1 (with MONOTONIC_USEC) and READY=1 around a reload, STOPPING=1 when a stop begins,
// with STATUS= lines between; the workers do not inherit NOTIFY_SOCKET.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliPort, fixture, get, runCli, waitFor } from '../helpers/cluster.js';
import { notifySequence, notifySocket } from '../helpers/notify-socket.js';

test('NOTIFY_SOCKET: READY=1, RELOADING=1 / READY=1 on SIGHUP, STOPPING=1 on SIGTERM, in that order', async () => {
  const notify = await notifySocket();
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', fixture('env-app.js')], { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: '60000000' });
  try {
    const port = await cliPort(cli.output);
    const ready = await notify.waitForField('READY=1');
    assert.ok(notify.messages[ready]!.fields.includes('STATUS=serving: 2/2 workers ready, 0 connections'), JSON.stringify(notify.messages[ready]));
    const env = JSON.parse((await get(port, '/?names=NOTIFY_SOCKET,WATCHDOG_USEC,WATCHDOG_PID')).body) as Record<string, string | null>;
    assert.deepEqual(env, { NOTIFY_SOCKET: null, WATCHDOG_USEC: null, WATCHDOG_PID: null }, 'the service\'s variables are the master\'s, not the workers\'');

    const before = Number(process.hrtime.bigint() / 1000n);
    cli.child.kill('SIGHUP');
    const reloading = await notify.waitForField('RELOADING=1', ready + 1);
    const after = Number(process.hrtime.bigint() / 1000n);
    const usec = Number(notify.messages[reloading]!.fields.find((f) => f.startsWith('MONOTONIC_USEC='))!.slice(15));
    assert.ok(usec >= before && usec <= after, `MONOTONIC_USEC ${usec} between the signal (${before}) and its message (${after})`);
    await notify.waitForField('READY=1', reloading + 1);
    await waitFor(() => /reloaded workers 1, 2/.test(cli.output()), 15000, 'the reload');

    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
    await notify.waitForField('STOPPING=1');
    assert.deepEqual(notifySequence(notify.messages), ['READY=1', 'RELOADING=1 MONOTONIC_USEC', 'READY=1', 'STOPPING=1']);
    assert.ok(notify.messages.some((m) => m.fields.includes('WATCHDOG=1')), 'watchdog pings');
  } finally {
    cli.child.kill('SIGKILL');
    notify.close();
  }
});
