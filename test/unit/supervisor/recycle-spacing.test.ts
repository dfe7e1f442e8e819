// The spacing of a group's lifetime recycles, on a fake clock: processes due at given times, each
// asked at every heartbeat (as the master asks at each answer), and the exact times recycles begin.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LifetimeSpacing, lifetimeGap } from '../../../src/supervisor/recycle-spacing.js';

interface Case {
  name: string;
  /** Each process: its group and when it is due (ready + its own lifetime), ms. */
  due: Array<[group: string, at: number]>;
  /** Each group's maxLifetimeJitter and worker count. */
  groups: Record<string, [jitter: number, workers: number]>;
  heartbeat: number;
  /** When each process's recycle begins, in process order. */
  begins: number[];
}

const cases: Case[] = [
  {
    name: 'three workers due within 20 ms: jitter 2000 / 3 workers = 666.7 ms apart, at the first heartbeat past it',
    due: [['web', 1000], ['web', 1010], ['web', 1020]], groups: { web: [2000, 3] }, heartbeat: 100,
    begins: [1000, 1700, 2400],
  },
  {
    name: 'due far enough apart: each at its first heartbeat, nobody waits',
    due: [['web', 1000], ['web', 1800], ['web', 2600]], groups: { web: [1500, 2] }, heartbeat: 100,
    begins: [1000, 1800, 2600],
  },
  {
    name: 'a gap of exactly the spacing begins; one ms short waits (1 ms heartbeats)',
    due: [['web', 0], ['web', 499], ['web', 500]], groups: { web: [1000, 2] }, heartbeat: 1,
    begins: [0, 500, 1000],
  },
  {
    name: 'groups are spaced apart from each other, not together',
    due: [['web', 1000], ['api', 1000], ['web', 1000], ['api', 1000]], groups: { web: [1000, 2], api: [3000, 3] }, heartbeat: 100,
    begins: [1000, 1000, 1500, 2000],
  },
  {
    name: 'no jitter, no spacing: every due process at its first heartbeat',
    due: [['web', 1000], ['web', 1000], ['web', 1050]], groups: { web: [0, 3] }, heartbeat: 100,
    begins: [1000, 1000, 1100],
  },
];

for (const c of cases) {
  test(c.name, () => {
    const spacing = new LifetimeSpacing();
    const begins: Array<number | undefined> = c.due.map(() => undefined);
    for (let now = 0; begins.includes(undefined) && now < 100_000; now += c.heartbeat) {
      c.due.forEach(([group, at], i) => {
        if (begins[i] !== undefined || now < at) return;
        const [jitter, workers] = c.groups[group]!;
        if (spacing.wait(group, lifetimeGap(jitter, workers), now) > 0) return;
        spacing.began(group, now);
        begins[i] = now;
      });
    }
    assert.deepEqual(begins, c.begins);
  });
}

test('wait: the ms left until the gap has passed since the group\'s last begin; 0 before any', () => {
  const spacing = new LifetimeSpacing();
  assert.equal(spacing.wait('web', 500, 1000), 0);
  spacing.began('web', 1000);
  assert.deepEqual([999, 1000, 1200, 1499, 1500, 9000].map((t) => spacing.wait('web', 500, t)), [501, 500, 300, 1, 0, 0]);
  assert.equal(spacing.wait('api', 500, 1000), 0, 'another group');
  assert.equal(lifetimeGap(2000, 3).toFixed(3), '666.667');
  assert.equal(lifetimeGap(2000, 0), 0);
});
