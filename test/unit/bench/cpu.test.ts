import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { childPids, cpuSeconds, cpuSecondsOf, parseProcStat } from '../../../bench/cpu.js';

const LINE = '12456 (cat) R 12410 12410 352 0 -1 4194304 96 0 0 0 150 25 0 0 20 0 1 0 885212 3133440 349';

describe('/proc/<pid>/stat', () => {
  it('utime + stime are fields 14 and 15', () => {
    assert.equal(parseProcStat(LINE), 175);
  });

  it('a command name with spaces and parentheses does not shift the fields', () => {
    assert.equal(parseProcStat(LINE.replace('(cat)', '(node (my app) x)')), 175);
  });

  it('throws on text that is not a stat line', () => {
    assert.throws(() => parseProcStat('nonsense'), /unreadable/);
  });

  it('reads this process, and null for a pid that does not exist', { skip: process.platform !== 'linux' }, () => {
    assert.ok((cpuSeconds(process.pid) ?? -1) >= 0);
    assert.equal(cpuSeconds(2 ** 30), null);
  });

  it('finds the children of a process and adds their CPU; null when one is gone or none is given', { skip: process.platform !== 'linux' }, async () => {
    // The child spins until it has used 150 ms of CPU (not of wall time: a busy machine
    // stretches the spin, not its cost), then says so.
    const spin = "const used = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; }; while (used() < 150); process.stdout.write('spun'); setTimeout(() => {}, 60000)";
    const child = spawn(process.execPath, ['-e', spin], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise((resolve) => child.stdout!.once('data', resolve));
      assert.ok(childPids(process.pid).includes(child.pid!));
      const own = cpuSeconds(child.pid!) ?? 0;
      const both = cpuSecondsOf([process.pid, child.pid!]);
      // Its CPU shows, and in the sum (clock ticks are 10 ms).
      assert.ok(own >= 0.14, `child ${own}`);
      assert.ok(both !== null && both >= own, `sum ${both}`);
      assert.equal(cpuSecondsOf([process.pid, 2 ** 30]), null);
      assert.equal(cpuSecondsOf([]), null);
      assert.deepEqual(childPids(2 ** 30), []);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
