import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLeastConnections } from '../../../src/balancers/least-connections.js';
import { cands, counts, picks } from './helpers.js';

describe('least-connections', () => {
  // Without hold: active counts stay as given, so every pick sees the same loads.
  const cases = [
    { name: 'picks the lowest active', candidates: cands(3, [{ active: 3 }, { active: 1 }, { active: 2 }]), expected: [1, 1, 1] },
    {
      name: 'weighted: active 2 weight 2 beats active 2 weight 1',
      candidates: cands(2, [{ active: 2, weight: 1 }, { active: 2, weight: 2 }]),
      expected: [1, 1],
    },
    {
      name: 'weighted: 5 active / weight 5 (1.0) beats 3 / 2 (1.5)',
      candidates: cands(2, [{ active: 5, weight: 5 }, { active: 3, weight: 2 }]),
      expected: [0, 0],
    },
    { name: 'ties rotate over all idle', candidates: cands(4), expected: [0, 1, 2, 3, 0] },
    { name: 'ties rotate over the least loaded only', candidates: cands(3, [{ active: 4 }]), expected: [1, 2, 1, 2] },
    {
      name: 'skips draining, unavailable and at-max even when idle',
      candidates: cands(4, [{ weight: 0 }, { available: false }, { active: 1, max: 1 }, { active: 7 }]),
      expected: [3, 3],
    },
    { name: 'none eligible', candidates: cands(2, [{ weight: 0 }, { active: 3, max: 3 }]), expected: [-1, -1] },
  ];
  for (const { name, candidates, expected } of cases) {
    it(name, () => {
      assert.deepEqual(picks(createLeastConnections(), candidates, expected.length), expected);
    });
  }

  it('long-lived connections: 40 over 4 give exactly 10 each (max/mean <= 1.05)', () => {
    const c = cands(4);
    const list = picks(createLeastConnections(), c, 40, true);
    assert.deepEqual(list.slice(0, 8), [0, 1, 2, 3, 0, 1, 2, 3]);
    const n = counts(list, 4);
    assert.deepEqual(n, [10, 10, 10, 10]);
    assert.ok(Math.max(...n) / 10 <= 1.05);
  });

  it('long-lived connections follow weights {2,1,1}: 20/10/10', () => {
    const c = cands(3, [{ weight: 2 }]);
    assert.deepEqual(counts(picks(createLeastConnections(), c, 40, true), 3), [20, 10, 10]);
  });

  it('fills a newcomer until it catches up', () => {
    const c = cands(3, [{ active: 5 }, { active: 5 }]);
    const list = picks(createLeastConnections(), c, 7, true);
    assert.deepEqual(list, [2, 2, 2, 2, 2, 0, 1]);
  });
});
