import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { charged, perRequest } from '../../../bench/measure.js';
import type { Running } from '../../../bench/setups.js';

describe('CPU charged to a workload', () => {
  it('µs per request; null when the CPU is unknown or nothing was served', () => {
    assert.equal(perRequest(0.5, 10_000), 50);
    assert.equal(perRequest(0, 10_000), 0);
    assert.equal(perRequest(null, 10_000), null);
    assert.equal(perRequest(0.5, 0), null);
  });

  it('charges the master and the serving processes with what they spent while the work ran', { skip: process.platform !== 'linux' }, async () => {
    // The "master" spins for 300 ms once the work starts (it is told through stdin); the serving process sleeps.
    const master = spawn(process.execPath, ['-e', "process.stdin.once('data', () => { const end = Date.now() + 300; while (Date.now() < end); })"], { stdio: ['pipe', 'ignore', 'ignore'] });
    const idle = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const running: Running = { port: 0, masterPid: master.pid!, processes: 1, servingPids: () => [idle.pid!], stop: async () => {} };
      const c = await charged(running, async () => {
        master.stdin!.write('go\n');
        await new Promise((resolve) => setTimeout(resolve, 600));
        return 'done';
      });
      assert.equal(c.result, 'done');
      assert.ok(c.master !== null && c.master >= 0.2 && c.master < 0.6, `master ${c.master} s`);
      assert.ok(c.serving !== null && c.serving < 0.1, `serving ${c.serving} s`);
      const none = await charged({ ...running, masterPid: null, servingPids: () => [] }, async () => 1);
      assert.deepEqual([none.master, none.serving], [null, null]);
    } finally {
      master.kill('SIGKILL');
      idle.kill('SIGKILL');
    }
  });
});
