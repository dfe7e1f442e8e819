// `portplex upgrade` three times while wrk makes a new connection per request: every new master
// takes the listening socket over from the old one, so no connection is refused or fails, and
// the old masters drain their workers and exit cleanly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { alive, cliPort, fixture, handedOver, portplex, runCli, waitFor } from '../helpers/cluster.js';
import { failedRequests, startWrk, type RunningWrk } from '../helpers/wrk-run.js';

const UPGRADES = 3;
const CLIENTS = 32;
/** Requests the new master serves before the next upgrade. */
const BETWEEN = 300;

test(`${UPGRADES} upgrades under new-connection load: 0 failed requests, each old master drains and exits`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-upgrade-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--admin', sock, fixture('http-app.js')]);
  let current = cli.child.pid!;
  let wrk: RunningWrk | undefined;
  try {
    const port = await cliPort(cli.output);
    wrk = startWrk({ url: `http://127.0.0.1:${port}/`, threads: 1, connections: CLIENTS, headers: ['Connection: close'] });
    await handedOver(sock, BETWEEN, 20000);
    const pids = [current];
    for (let u = 0; u < UPGRADES; u++) {
      const r = await portplex('upgrade', '--json', '--admin', sock);
      assert.equal(r.code, 0, `upgrade ${u + 1}: ${r.stderr}`);
      const answer = JSON.parse(r.stdout) as { pid: number; previous: number };
      assert.equal(answer.previous, current);
      assert.ok(!pids.includes(answer.pid), 'a new master process');
      // The new master's own counters start at zero: it serves these.
      await handedOver(sock, BETWEEN, 20000);
      const old = current;
      await waitFor(() => !alive(old), 20000, `the old master ${old} to exit`);
      current = answer.pid;
      pids.push(current);
    }
    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { pid: number };
    assert.equal(status.pid, current);
    const r = await wrk.stop();
    const failed = r.errors.connect + failedRequests(r);
    t.diagnostic(`${r.requests} requests, ${failed} failed across ${UPGRADES} upgrades (masters ${pids.join(' -> ')})`);
    assert.equal(failed, 0, `wrk errors: ${JSON.stringify(r.errors)}`);
    assert.ok(r.requests >= BETWEEN * (UPGRADES + 1));
    const first = await cli.exited;
    assert.equal(first.code, 0, `the first master's exit:\n${cli.output()}`);
    assert.equal((cli.output().match(/drained after the upgrade/g) ?? []).length, UPGRADES);
  } finally {
    await wrk?.stop().catch(() => {});
    if (alive(current)) process.kill(current, 'SIGTERM');
    await waitFor(() => !alive(current), 20000, 'the last master to exit').catch(() => {});
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
