// listen(0) in every worker gets one random port, shared by all of them (Node's cluster does the
// same: its key is address:port:addressType:fd:index); --own-port leaves a port to each worker.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, freePort, get, portplex, runCli, waitFor } from '../helpers/cluster.js';

test('listen(0, 127.0.0.1) in 2 workers: the master binds one random port and both workers serve it', async () => {
  const cli = runCli(['-w', '2', '--grace', '2000', fixture('host-app.js')], { APP_PORT: '0', APP_HOST: '127.0.0.1' });
  try {
    let ports: number[] = [];
    await waitFor(() => {
      ports = [...cli.output().matchAll(/app listening on 127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
      return ports.length === 2 && /2\/2 workers ready/.test(cli.output());
    }, 10000, `two listening workers in:\n${cli.output()}`);
    assert.equal(ports[0], ports[1], 'the same port in both workers');
    assert.notEqual(ports[0], 0);
    assert.match(cli.output(), new RegExp(`listening on 127\\.0\\.0\\.1:${ports[0]} \\(tcp\\)`));
    const served = new Set<string>();
    for (let i = 0; i < 20 && served.size < 2; i++) served.add((await get(ports[0]!)).body.trim());
    assert.deepEqual([...served].sort(), ['1', '2']);
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
  }
});

test('--own-port: the worker binds that port itself; the master has no listener for it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-own-'));
  const sock = join(dir, 'admin.sock');
  const port = await freePort();
  const cli = runCli(['-w', '1', '--own-port', String(port), '--ready-timeout', '60000', '--admin', sock, '--grace', '2000', fixture('host-app.js')], { APP_PORT: String(port), APP_HOST: '127.0.0.1' });
  try {
    await waitFor(() => /app listening on 127\.0\.0\.1:/.test(cli.output()) && /admin socket/.test(cli.output()), 10000, `the app to listen in:\n${cli.output()}`);
    assert.equal((await get(port)).body.trim(), '1');
    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { listeners: unknown[]; workers: Array<{ handedOver: number }> };
    assert.deepEqual(status.listeners, [], 'nothing bound by the master');
    assert.equal(status.workers[0]!.handedOver, 0, 'the connection never went through the master');
    assert.doesNotMatch(cli.output(), /asked by the app/);
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--own-port rejects a bad port, and one that is also a listener, naming it', async () => {
  const bad = await portplex('--own-port', 'x', fixture('host-app.js'));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--own-port.*expected a port number 1-65535/);
  const both = await portplex('-l', '127.0.0.1:18999', '--own-port', '18999', fixture('host-app.js'));
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--own-port: 18999 is also listener 0 \(127\.0\.0\.1:18999\).*PORTPLEX_OWN_PORT_LISTENED/);
});
