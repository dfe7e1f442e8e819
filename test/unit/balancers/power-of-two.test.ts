import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isEligible } from '../../../src/balancers/balancer.js';
import { createPowerOfTwo } from '../../../src/balancers/power-of-two.js';
import { cands, counts, mulberry32, picks } from './helpers.js';

/** A random source replaying the given values in a loop. */
function replay(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe('power-of-two', () => {
  const cases = [
    // random 0, 0: first draw rank 0, second rank 0 of the others, i.e. rank 1.
    {
      name: 'compares only the two drawn (0 and 1), not the global least',
      random: replay(0),
      candidates: cands(3, [{ active: 3 }, { active: 1 }, { active: 0 }]),
      expected: [1, 1],
    },
    // 0.99 x 3 -> rank 2; 0.99 x 2 -> rank 1.
    {
      name: 'ranks from the top of the range',
      random: replay(0.99),
      candidates: cands(3, [{}, { active: 2 }, { active: 4 }]),
      expected: [1],
    },
    { name: 'equal scores keep the first drawn', random: replay(0.5), candidates: cands(4), expected: [2, 2] },
    {
      name: 'Envoy weighting: idle heavier wins (weight/(active+1))',
      random: replay(0),
      candidates: cands(2, [{ weight: 1 }, { weight: 3 }]),
      expected: [1],
    },
    {
      name: 'weighted: equal scores 1/(0+1) and 3/(2+1) keep the first drawn',
      random: replay(0),
      candidates: cands(2, [{ weight: 1, active: 0 }, { weight: 3, active: 2 }]),
      expected: [0],
    },
    {
      name: 'ranks count eligible candidates only',
      random: replay(0),
      candidates: cands(5, [{ weight: 0 }, { available: false }, { active: 9 }, { max: 1, active: 1 }, { active: 1 }]),
      expected: [4, 4],
    },
    {
      name: 'only one eligible: no draw needed',
      random: replay(0.7),
      candidates: cands(3, [{ weight: 0 }, {}, { available: false }]),
      expected: [1, 1],
    },
    { name: 'none eligible', random: replay(0.7), candidates: cands(2, [{ weight: 0 }, { available: false }]), expected: [-1] },
    { name: 'a source returning 1 or NaN stays in range', random: replay(1, Number.NaN), candidates: cands(3), expected: [0, 0] },
  ];
  for (const { name, random, candidates, expected } of cases) {
    it(name, () => {
      assert.deepEqual(picks(createPowerOfTwo({ random }), candidates, expected.length), expected);
    });
  }

  it('with two candidates always takes the less loaded one', () => {
    const b = createPowerOfTwo({ random: mulberry32(1) });
    assert.deepEqual(picks(b, cands(2, [{ active: 5 }, { active: 1 }]), 50), new Array<number>(50).fill(1));
  });

  it('never picks an ineligible candidate', () => {
    const c = cands(8, [{ weight: 0 }, {}, { available: false }, {}, { max: 2, active: 2 }, {}, { weight: 0 }, {}]);
    for (const p of picks(createPowerOfTwo({ random: mulberry32(7) }), c, 2000)) {
      assert.ok(p >= 0 && isEligible(c[p]!), `picked ${p}`);
    }
  });

  it('spreads idle picks evenly (40,000 over 4: each within 2% of 25%)', () => {
    const n = counts(picks(createPowerOfTwo({ random: mulberry32(42) }), cands(4), 40_000), 4);
    for (const k of n) assert.ok(Math.abs(k / 40_000 - 0.25) < 0.02, `counts ${n.join(',')}`);
  });

  it('keeps long-lived connections balanced (4,000 over 8: max/mean <= 1.05)', () => {
    const n = counts(picks(createPowerOfTwo({ random: mulberry32(3) }), cands(8), 4000, true), 8);
    assert.ok(Math.max(...n) / 500 <= 1.05, `counts ${n.join(',')}`);
  });

  it('rejects a random option that is not a function', () => {
    assert.throws(() => createPowerOfTwo({ random: 3 as unknown as () => number }), /random/);
  });
});
