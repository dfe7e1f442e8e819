import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRoundRobin } from '../../../src/balancers/round-robin.js';
import { cands, picks } from './helpers.js';

describe('round-robin', () => {
  const cases = [
    { name: 'cycles over 4 in order', candidates: cands(4), expected: [0, 1, 2, 3, 0, 1] },
    { name: 'skips a draining one (weight 0)', candidates: cands(4, [{}, { weight: 0 }]), expected: [0, 2, 3, 0, 2] },
    { name: 'skips an unavailable one', candidates: cands(3, [{}, {}, { available: false }]), expected: [0, 1, 0, 1] },
    { name: 'skips one at its max', candidates: cands(3, [{ max: 2, active: 2 }]), expected: [1, 2, 1, 2] },
    { name: 'ignores load', candidates: cands(3, [{ active: 50 }]), expected: [0, 1, 2, 0] },
    { name: 'single eligible', candidates: cands(3, [{ weight: 0 }, { available: false }]), expected: [2, 2, 2] },
    { name: 'none eligible', candidates: cands(2, [{ weight: 0 }, { available: false }]), expected: [-1, -1] },
    { name: 'no candidates', candidates: cands(0), expected: [-1] },
  ];
  for (const { name, candidates, expected } of cases) {
    it(name, () => {
      assert.deepEqual(picks(createRoundRobin(), candidates, expected.length), expected);
    });
  }

  it('a skipped candidate rejoins at its place in the cycle', () => {
    const b = createRoundRobin();
    const c = cands(4);
    assert.deepEqual(picks(b, c, 2), [0, 1]);
    c[2]!.available = false;
    assert.deepEqual(picks(b, c, 2), [3, 0]);
    c[2]!.available = true;
    assert.deepEqual(picks(b, c, 4), [1, 2, 3, 0]);
  });

  it('restarts from the top when the list shrinks below the last pick', () => {
    const b = createRoundRobin();
    const c = cands(4);
    assert.deepEqual(picks(b, c, 4), [0, 1, 2, 3]);
    assert.deepEqual(picks(b, c.slice(0, 2), 3), [0, 1, 0]);
  });
});
