// SIGTERM to the master with 20 WebSockets open on an unmodified ws application (no onDrain):
// every client gets 1001 (going away), and the master exits 0 (no worker killed) at once, with
// --grace at 60 s (waiting for it would time this test out).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliPort, fixture, runCli } from '../helpers/cluster.js';
import { openWsClients, type WsClient } from '../helpers/ws-clients.js';

const CLIENTS = 20;

test('SIGTERM with 20 ws clients open: each closed with 1001, exit status 0, no wait for --grace', { timeout: 40000 }, async () => {
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--grace', '60000', fixture('ws-app.js')]);
  let clients: WsClient[] = [];
  try {
    const port = await cliPort(cli.output);
    clients = await openWsClients(port, CLIENTS);
    assert.equal(new Set(clients.map((c) => c.pids[0])).size, 2, 'both workers hold WebSockets');
    cli.child.kill('SIGTERM');
    const exit = await cli.exited;
    await Promise.all(clients.map((c) => c.firstClose));
    assert.deepEqual(exit, { code: 0, signal: null }, cli.output());
    assert.deepEqual(clients.map((c) => c.codes), clients.map(() => [1001]), 'one close each, with 1001');
  } finally {
    for (const c of clients) c.close();
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
});
