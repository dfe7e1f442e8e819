// `portplex reload` with 20 WebSockets open on an unmodified ws application (no onDrain): each
// old process closes its WebSockets with 1001 (going away) as it starts to drain, every client
// reconnects to a new process, and the old processes exit by themselves at once, with --grace
// at 60 s (waiting for it would time this test out).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { alive, cliPort, fixture, portplex, runCli, waitFor } from '../helpers/cluster.js';
import { openWsClients, type WsClient } from '../helpers/ws-clients.js';

const CLIENTS = 20;

test('reload with 20 ws clients: every one closed with 1001 and served again by a new process, no wait for --grace', { timeout: 40000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-ws-reload-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--grace', '60000', '--admin', sock, fixture('ws-app.js')]);
  let clients: WsClient[] = [];
  try {
    const port = await cliPort(cli.output);
    clients = await openWsClients(port, CLIENTS, true);
    const oldPids = new Set(clients.map((c) => c.pids[0]!));
    const reload = await portplex('reload', '--admin', sock);
    assert.equal(reload.code, 0, reload.stderr);
    assert.match(reload.stdout, /reloaded workers 1, 2/);
    // The old processes end as soon as their WebSockets have (bounded by 1 s for a silent client).
    await waitFor(() => [...oldPids].every((p) => !alive(p)), 20000, `the old processes (${[...oldPids]}) to exit`);
    await waitFor(() => clients.every((c) => c.greeted && !oldPids.has(c.pids.at(-1)!)), 20000, 'every client greeted by a new process');
    for (const c of clients) {
      // A client that reconnected to the second worker before its turn was closed again by it.
      assert.ok(c.codes.length >= 1 && c.codes.length <= 2, `closes: ${c.codes}`);
      assert.deepEqual(c.codes, c.codes.map(() => 1001), 'every close is a 1001 (going away), none a 1006');
      assert.deepEqual(c.errors, []);
    }
    assert.doesNotMatch(cli.output(), /killing|SIGKILL/i);
  } finally {
    for (const c of clients) c.close();
    cli.child.kill('SIGTERM');
    const exit = await cli.exited;
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(exit, { code: 0, signal: null }, cli.output());
  }
});
