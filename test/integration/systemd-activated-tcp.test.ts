// Socket activation, TCP: `portplex app.js` started by systemd-socket-activate (as by a .socket
// unit) serves on the socket it was passed, binds none of its own, and leaves LISTEN_* out of its
// workers' environment. The connection that made systemd start it is answered.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, freePort, get, portplex, waitFor, CLI } from '../helpers/cluster.js';
import { listeningInodes, listenVariablesOf, socketActivate, socketsOf } from '../helpers/socket-activate.js';

interface Status {
  pid: number;
  listeners: Array<{ index: number; address: string; port: number; origin: string; fdName?: string; onDemand: boolean }>;
  workers: Array<{ id: number; pid: number }>;
}

test('an activated TCP socket is served with no bind of the master\'s own; the first connection is answered', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-activated-'));
  const sock = join(dir, 'admin.sock');
  const port = await freePort();
  const run = await socketActivate([`127.0.0.1:${port}`], [process.execPath, CLI, '-w', '2', '--admin', sock, fixture('http-app.js')], { fdnames: ['web'] });
  try {
    const before = listeningInodes(port);
    assert.equal(before.length, 1, 'systemd-socket-activate listens');
    // This connection starts the master; it waits in the socket's queue until the master serves it.
    const first = await get(port);
    assert.equal(first.status, 200);
    await waitFor(() => /2\/2 workers ready/.test(run.output()) && /admin socket/.test(run.output()), 10000, `the master in:\n${run.output()}`);
    assert.match(run.output(), new RegExp(`listening on 127\\.0\\.0\\.1:${port} \\(tcp, from systemd: web\\) -> group default, round-robin`));

    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as Status;
    assert.equal(status.pid, run.child.pid, 'systemd-socket-activate execs the master: LISTEN_PID is its pid');
    assert.deepEqual(status.listeners.map((l) => [l.index, l.address, l.port, l.origin, l.fdName, l.onDemand]), [[0, '127.0.0.1', port, 'systemd', 'web', false]]);
    assert.match((await portplex('status', '--admin', sock)).stdout, new RegExp(`listener 0  tcp 127\\.0\\.0\\.1:${port}  group default  round-robin  from systemd \\(web\\)`));

    // No bind of its own: the one socket listening on the port is the one passed, the master's fd 3.
    assert.deepEqual(listeningInodes(port), before);
    assert.ok(socketsOf(status.pid).includes(before[0]!), 'the master holds the passed socket');
    for (const w of status.workers) {
      assert.ok(!socketsOf(w.pid).includes(before[0]!), `worker ${w.id} holds no copy of it (dispatch mode)`);
      assert.deepEqual(listenVariablesOf(w.pid), [], `worker ${w.id} sees no LISTEN_* variable`);
    }
    const served = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const r = await get(port);
      assert.equal(r.status, 200);
      served.add((JSON.parse(r.body) as { worker: number }).worker);
    }
    assert.deepEqual([...served].sort(), [1, 2], 'both workers serve it');

    run.child.kill('SIGTERM');
    assert.deepEqual(await run.exited, { code: 0, signal: null }, run.output());
    // The master's copy closed; nothing else held it here (systemd would).
    assert.deepEqual(listeningInodes(port), []);
  } finally {
    run.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
