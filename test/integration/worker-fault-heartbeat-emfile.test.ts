// A worker with no descriptor left: portplex's heartbeat (process.memoryUsage opens /proc to read
// the resident set size) fails with EMFILE. The application's process must go on, the heartbeat
// be answered without the figure, and the fault be counted and told to the master.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

test('a heartbeat under EMFILE is a counted fault, not the death of the application', async () => {
  const { master, port } = await startMaster({ script: fixture('fd-fill-app.js'), workers: 1, healthInterval: 100 });
  const logs: string[] = [];
  master.on('log', (line: string) => logs.push(line));
  try {
    const before = JSON.parse((await get(port)).body) as { pid: number };
    // Filling a low limit is quick; the master's own limit is untouched.
    execFileSync('prlimit', ['--pid', String(before.pid), '--nofile=256:256']);
    assert.equal((await get(port, '/fill')).status, 200);
    await waitFor(() => master.stats.workerFaults.usage >= 2, 10000, 'two heartbeats to fail their usage sample');
    const lines = logs.filter((l) => l.includes('failed in usage'));
    assert.equal(lines.length, 1, `logged once per kind: ${JSON.stringify(logs)}`);
    assert.match(lines[0], /EMFILE/);
    // Answered all the same, without the resident set size.
    assert.equal(master.workers()[0].rssBytes, null);
    assert.equal(master.workers()[0].healthy, true);
    process.kill(before.pid, 'SIGUSR2');
    const after = JSON.parse((await get(port)).body) as { pid: number };
    assert.equal(after.pid, before.pid, 'the same process serves after the shortage');
    assert.equal(master.workers()[0].restarts, 0);
    assert.equal(master.stats.workerFaults.heartbeat, 0, 'the heartbeat itself did not fail');
  } finally {
    await master.stop();
  }
});
