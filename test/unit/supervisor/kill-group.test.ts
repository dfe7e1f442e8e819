import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { killGroup, processGroupOf, type KillDeps } from '../../../src/supervisor/kill-group.js';

/** A child that records what it was sent, and deps that record group signals. */
function fakes(groupOf: (pid: number) => number): { deps: KillDeps; groups: number[]; child: (pid: number | undefined) => { pid: number | undefined; kill(s: NodeJS.Signals): boolean; sent: string[] } } {
  const groups: number[] = [];
  return {
    groups,
    deps: { groupOf, killGroup: (pgid) => { groups.push(pgid); } },
    child: (pid) => {
      const sent: string[] = [];
      return { pid, sent, kill: (s) => { sent.push(s); return true; } };
    },
  };
}

test('no pid (a spawn that failed) signals nothing: never kill(0), never kill(-0)', () => {
  const f = fakes(() => 0);
  const c = f.child(undefined);
  assert.equal(killGroup(c, 'SIGKILL', f.deps), false);
  assert.deepEqual([f.groups, c.sent], [[], []]);
  for (const pid of [0, 1, -5, 1.5, Number.NaN]) {
    const d = f.child(pid);
    assert.equal(killGroup(d, 'SIGTERM', f.deps), false, String(pid));
    assert.deepEqual(d.sent, []);
  }
  assert.deepEqual(f.groups, []);
});

test('a pid that leads its own group gets the group signal', () => {
  const f = fakes((pid) => pid);
  const c = f.child(4242);
  assert.equal(killGroup(c, 'SIGTERM', f.deps), true);
  assert.deepEqual([f.groups, c.sent], [[4242], []]);
});

test("a pid in someone else's group (ours, say) gets a signal of its own, not the group's", () => {
  const f = fakes(() => process.pid);
  const c = f.child(4242);
  assert.equal(killGroup(c, 'SIGTERM', f.deps), true);
  assert.deepEqual([f.groups, c.sent], [[], ['SIGTERM']]);
});

test('our own pid is never signalled as a group', () => {
  const f = fakes((pid) => pid);
  const c = f.child(process.pid);
  killGroup(c, 'SIGTERM', f.deps);
  assert.deepEqual(f.groups, []);
});

test('real processes: a detached child and its own child both get the signal; a child in our group alone', async () => {
  // The detached child starts a grandchild in its group and prints the grandchild's pid.
  const leader = spawn(process.execPath, ['-e', "const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);"], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const [line] = await once(leader.stdout!, 'data') as [Buffer];
  const grandchild = Number(String(line).trim());
  assert.equal(processGroupOf(leader.pid!), leader.pid);
  assert.equal(processGroupOf(grandchild), leader.pid);
  const leaderGone = once(leader, 'exit');
  assert.equal(killGroup(leader, 'SIGKILL'), true);
  await leaderGone;
  // The grandchild is not our child: wait until the kernel reports it gone.
  while (processGroupOf(grandchild) !== 0) await new Promise((r) => setTimeout(r, 10));

  const plain = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  assert.equal(processGroupOf(plain.pid!), processGroupOf(process.pid), 'not detached: our group');
  const plainGone = once(plain, 'exit');
  assert.equal(killGroup(plain, 'SIGKILL'), true);
  await plainGone;
});
