import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWeightedRoundRobin } from '../../../src/balancers/weighted-round-robin.js';
import { cands, counts, picks } from './helpers.js';

const W511 = [{ weight: 5 }, { weight: 1 }, { weight: 1 }];

describe('weighted-round-robin (smooth, NGINX)', () => {
  const cases = [
    {
      name: '{5,1,1} gives 0 0 1 0 2 0 0, twice',
      candidates: cands(3, W511),
      expected: [0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0],
    },
    { name: 'equal weights are plain round-robin', candidates: cands(3), expected: [0, 1, 2, 0, 1, 2] },
    { name: '{2,1}', candidates: cands(2, [{ weight: 2 }, { weight: 1 }]), expected: [0, 1, 0, 0, 1, 0] },
    { name: 'skips draining', candidates: cands(3, [{ weight: 2 }, { weight: 0 }, { weight: 1 }]), expected: [0, 2, 0, 0, 2, 0] },
    { name: 'skips unavailable', candidates: cands(3, [{ available: false }]), expected: [1, 2, 1, 2] },
    { name: 'skips at max', candidates: cands(3, [{}, { max: 1, active: 1 }]), expected: [0, 2, 0, 2] },
    { name: 'none eligible', candidates: cands(2, [{ weight: 0 }, { available: false }]), expected: [-1, -1] },
  ];
  for (const { name, candidates, expected } of cases) {
    it(name, () => {
      assert.deepEqual(picks(createWeightedRoundRobin(), candidates, expected.length), expected);
    });
  }

  it('700 picks over {5,1,1} are exactly 500/100/100', () => {
    assert.deepEqual(counts(picks(createWeightedRoundRobin(), cands(3, W511), 700), 3), [500, 100, 100]);
  });

  it('a candidate that is ineligible for a while keeps its current weight, as NGINX skips a peer', () => {
    const b = createWeightedRoundRobin();
    const c = cands(3, W511);
    // Currents after 0 0 1: {1, -4, 3}.
    assert.deepEqual(picks(b, c, 3), [0, 0, 1]);
    c[2]!.available = false; // keeps its current weight 3 while skipped
    assert.deepEqual(picks(b, c, 1), [0]);
    c[2]!.available = true;
    // With its 3 kept, its turn comes at the second pick (had it dropped to 0, the third).
    assert.deepEqual(picks(b, c, 3), [0, 2, 0]);
  });

  it('restarts the state of an index whose worker id changed', () => {
    const b = createWeightedRoundRobin();
    const c = cands(3, W511);
    assert.deepEqual(picks(b, c, 3), [0, 0, 1]);
    c[2]!.id = 99; // a new worker at index 2 does not inherit current weight 3
    assert.deepEqual(picks(b, c, 4), [0, 0, 2, 0]);
  });

  it('grows its state when the list grows', () => {
    const b = createWeightedRoundRobin();
    assert.deepEqual(picks(b, cands(1), 2), [0, 0]);
    assert.deepEqual(counts(picks(b, cands(3, W511), 7), 3), [5, 1, 1]);
  });
});
