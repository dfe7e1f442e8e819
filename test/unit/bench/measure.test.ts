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
    // The "master" spins until it has used 300 ms of CPU once the work starts (told through
    // stdin), then says so; the serving process sleeps. CPU time, not wall time: a busy machine
    // stretches the spin but not what it costs.
    const spin = "process.stdout.write('ready\\n'); process.stdin.once('data', () => { const t = process.cpuUsage(); const used = () => { const u = process.cpuUsage(t); return (u.user + u.system) / 1e3; }; while (used() < 300); process.stdout.write('spun\\n'); })";
    const master = spawn(process.execPath, ['-e', spin], { stdio: ['pipe', 'pipe', 'ignore'] });
    const idle = spawn(process.execPath, ['-e', "process.stdout.write('ready\\n'); setTimeout(() => {}, 60000)"], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      // Both started, so their start-up is not charged to the work.
      await Promise.all([master, idle].map((p) => new Promise((resolve) => p.stdout!.once('data', resolve))));
      const running: Running = { port: 0, masterPid: master.pid!, processes: 1, servingPids: () => [idle.pid!], stop: async () => {} };
      const c = await charged(running, async () => {
        const spun = new Promise((resolve) => master.stdout!.once('data', resolve));
        master.stdin!.write('go\n');
        await spun;
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
