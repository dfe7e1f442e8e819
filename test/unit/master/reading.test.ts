import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prereadingLimit } from '../../../src/master/fd-budget.js';
import { Reading } from '../../../src/master/reading.js';

/** Runs `steps` on a Reading with cap `cap`, as Preread does: at the cap, shed before adding. */
function run(cap: number, steps: Array<number | `-${number}` | 'shed'>): number[] {
  const r = new Reading();
  r.setLimit(cap);
  const shed: number[] = [];
  for (const s of steps) {
    if (s === 'shed') r.shedOldest();
    else if (typeof s === 'string') r.remove(Number(s.slice(1)));
    else {
      while (r.full && r.shedOldest());
      r.add(s, () => shed.push(s));
    }
  }
  return shed;
}

const cases: Array<{ name: string; cap: number; steps: Array<number | `-${number}` | 'shed'>; shed: number[] }> = [
  { name: 'below the cap nothing is shed', cap: 3, steps: [1, 2, 3], shed: [] },
  { name: 'past the cap the oldest goes, in the order they began', cap: 2, steps: [1, 2, 3, 4, 5], shed: [1, 2, 3] },
  { name: 'a read that ended is not shed; the next oldest is', cap: 2, steps: [1, 2, '-1', 3, 4], shed: [2] },
  { name: 'a quick client between slow ones ends first and is never shed', cap: 3, steps: [1, 2, 10, '-10', 3, 4, 5], shed: [1, 2] },
  { name: 'descriptors short: shed on demand, oldest first', cap: Infinity, steps: [1, 2, 3, 'shed', 'shed'], shed: [1, 2] },
  { name: 'cap 1: each new read sheds the one before', cap: 1, steps: [1, 2, 3], shed: [1, 2] },
];

for (const c of cases) {
  test(`Reading: ${c.name}`, () => {
    assert.deepEqual(run(c.cap, c.steps), c.shed);
  });
}

test('Reading: shedOldest says whether there was one; size follows adds and removes', () => {
  const r = new Reading();
  assert.equal(r.shedOldest(), false);
  r.add(7, () => {});
  r.add(8, () => {});
  assert.equal(r.size, 2);
  r.remove(7);
  assert.equal(r.shedOldest(), true);
  assert.equal(r.size, 0);
  assert.equal(r.full, false, 'no cap by default');
});

test('prereadingLimit: the configured value, else half the connection budget', () => {
  assert.equal(prereadingLimit(100, 930), 100);
  assert.equal(prereadingLimit(0, 930), 465);
  assert.equal(prereadingLimit(0, 1), 1);
  assert.equal(prereadingLimit(0, Infinity), Infinity);
});
