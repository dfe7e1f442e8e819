// `portplex upgrade` after the config file changed: the new master reads it again; an address in
// both configs keeps its socket (clients looping on it see no failure), one only in the old
// config closes with the old master, and one only in the new config is bound fresh.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clientLoop } from '../helpers/client-loop.js';
import { alive, cliPort, fixture, freePort, get, portplex, runCli, tryConnect, waitFor } from '../helpers/cluster.js';

test('upgrade to a new config: a kept address serves throughout, a dropped one closes, a new one is bound', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-upgrade-config-'));
  const sock = join(dir, 'admin.sock');
  const file = join(dir, 'portplex.json');
  const [kept, dropped, added] = [await freePort(), await freePort(), await freePort()];
  // The application listens on its PORT: one group per address.
  const write = (ports: number[]): void => writeFileSync(file, JSON.stringify({
    script: fixture('http-app.js'),
    grace: 3000,
    groups: { a: { workers: 2 }, b: { workers: 1 } },
    listeners: [{ listen: `127.0.0.1:${ports[0]}`, group: 'a' }, { listen: `127.0.0.1:${ports[1]}`, group: 'b' }],
  }));
  write([kept, dropped]);
  const cli = runCli(['-c', file, '--admin', sock]);
  let current = cli.child.pid!;
  const loop = { stop: async () => {} } as ReturnType<typeof clientLoop>;
  try {
    await cliPort(cli.output);
    assert.equal((await get(dropped)).status, 200);
    assert.equal(await tryConnect('127.0.0.1', added), 'ECONNREFUSED');
    const clients = clientLoop(kept);
    loop.stop = clients.stop;
    await waitFor(() => clients.ok() >= 50, 10000, 'answers before the upgrade');
    write([kept, added]);
    const r = await portplex('upgrade', '--json', '--admin', sock);
    assert.equal(r.code, 0, r.stderr);
    const old = current;
    current = (JSON.parse(r.stdout) as { pid: number }).pid;
    await waitFor(() => !alive(old), 20000, 'the old master to exit');
    const before = clients.ok();
    await waitFor(() => clients.ok() >= before + 50, 10000, 'answers after the upgrade');
    await clients.stop();
    assert.deepEqual(clients.failures(), [], `${clients.failures().length} of ${clients.ok() + clients.failures().length} requests failed`);
    assert.equal((await get(added)).status, 200, 'the new address is served');
    assert.equal(await tryConnect('127.0.0.1', dropped), 'ECONNREFUSED', 'the old address closed with the old master');
    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { pid: number; listeners: Array<{ port: number }> };
    assert.equal(status.pid, current);
    assert.deepEqual(status.listeners.map((l) => l.port), [kept, added]);
  } finally {
    await loop.stop();
    if (alive(current)) process.kill(current, 'SIGTERM');
    await waitFor(() => !alive(current), 20000, 'the last master to exit').catch(() => {});
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
