// `portplex status` and `portplex connections` over the admin socket match what the test did.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, firstLine, fixture, handedOver, portplex, runCli } from '../helpers/cluster.js';


test('status and connections --json report the workers and the 3 connections the test holds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-admin-'));
  const sock = join(dir, 'run', 'admin.sock');
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--admin', sock, fixture('hold.js')]);
  const held: Array<{ line: string; socket: import('node:net').Socket }> = [];
  try {
    const port = await cliPort(cli.output);
    assert.equal(statSync(sock).mode & 0o777, 0o600, 'the admin socket is mode 0600');
    assert.equal(statSync(join(dir, 'run')).mode & 0o777, 0o700, 'in a directory only its owner can enter');
    for (let i = 0; i < 3; i++) {
      held.push(await firstLine(port));
      // Clients can read their line before the master has processed the acknowledgement.
      await handedOver(sock, i + 1);
      if (i === 0) assert.match((await portplex('status', '--admin', sock)).stdout, /, up \d+s, 1 connection record\n/, 'one record, in the singular');
    }
    const s = await portplex('status', '--json', '--admin', sock);
    assert.equal(s.code, 0, s.stderr);
    const status = JSON.parse(s.stdout);
    assert.deepEqual(status.listeners.map((l: any) => [l.address, l.port, l.algorithm]), [['127.0.0.1', port, 'round-robin']]);
    assert.deepEqual(status.workers.map((w: any) => [w.id, w.state, w.active, w.handedOver]), [[1, 'ready', 2, 2], [2, 'ready', 1, 1]]);

    const c = await portplex('connections', '--json', '--admin', sock);
    const records = JSON.parse(c.stdout).records as any[];
    assert.deepEqual(
      records.map((r) => [r.protocol, r.state, r.clientAddress, r.clientPort, r.cluster, r.worker]).sort((a, b) => a[3] - b[3]),
      held.map((h) => ['tcp', 'established', '127.0.0.1', h.socket.localPort, `127.0.0.1:${port}`, Number(h.line)]).sort((a, b) => (a[3] as number) - (b[3] as number)),
    );
    const onlyTwo = JSON.parse((await portplex('connections', '--json', '--worker', '2', '--admin', sock)).stdout).records;
    assert.deepEqual(onlyTwo.map((r: any) => r.worker), [2]);
    const text = await portplex('connections', '--admin', sock);
    assert.match(text.stdout, /^pro +state +client +cluster +worker +pid +age\nTCP +established +127\.0\.0\.1:\d+ +127\.0\.0\.1:\d+ +[12] +\d+ +\d+s\n/);
    assert.match(text.stdout, /3 of 3 records\n$/);
    const bad = await portplex('connections', '--state', 'bogus', '--admin', sock);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /state: expected one of queued, handing-over, established, got "bogus"/);
  } finally {
    for (const h of held) h.socket.destroy();
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
  const gone = await portplex('status', '--admin', sock);
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr, /cannot reach the admin socket .*: no portplex master is running there/);
  rmSync(dir, { recursive: true, force: true });
});
