// Socket activation by name: `-l systemd:NAME` takes the socket whose FileDescriptorName= is NAME,
// with that listener's own group; a socket no listener takes is served by the first group.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, fixture, freePort, get, portplex, waitFor } from '../helpers/cluster.js';
import { listeningInodes, socketActivate } from '../helpers/socket-activate.js';

test('systemd:NAME listeners take their sockets by name, each with its group; the unnamed rest goes to the first group', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-activated-name-'));
  const sock = join(dir, 'admin.sock');
  const [web, api, extra] = [await freePort(), await freePort(), await freePort()];
  // The group "web" serves web's socket and the rest; "api" serves the socket named api.
  const config = join(dir, 'portplex.json');
  writeFileSync(config, JSON.stringify({
    script: fixture('http-app.js'),
    groups: { web: { workers: 1 }, api: { workers: 1 } },
    listeners: [{ listen: 'systemd:api', group: 'api' }, { listen: 'systemd:web', group: 'web' }],
    grace: 3000,
  }));
  const run = await socketActivate([`127.0.0.1:${web}`, `127.0.0.1:${extra}`, `127.0.0.1:${api}`], [process.execPath, CLI, '-c', config, '--admin', sock], { fdnames: ['web', 'more', 'api'] });
  try {
    const first = get(web);
    await waitFor(() => /2\/2 workers ready/.test(run.output()) && /admin socket/.test(run.output()), 10000, `the master in:\n${run.output()}`);
    assert.equal((await first).status, 200);
    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { listeners: Array<{ index: number; port: number; group: string; origin: string; fdName?: string }> };
    // In config order, then the socket no listener named.
    assert.deepEqual(status.listeners.map((l) => [l.index, l.port, l.group, l.origin, l.fdName]), [
      [0, api, 'api', 'systemd', 'api'],
      [1, web, 'web', 'systemd', 'web'],
      [2, extra, 'web', 'systemd', 'more'],
    ]);
    for (const p of [web, api, extra]) assert.equal(listeningInodes(p).length, 1, `one socket on ${p}: nothing bound beside it`);
    // Each group's app listens on $PORT, its first listener's port.
    assert.equal((JSON.parse((await get(api)).body) as { group: string }).group, 'api');
    assert.equal((JSON.parse((await get(web)).body) as { group: string }).group, 'web');
  } finally {
    run.child.kill('SIGTERM');
    await run.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
