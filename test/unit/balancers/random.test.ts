import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isEligible } from '../../../src/balancers/balancer.js';
import { createRandom } from '../../../src/balancers/random.js';
import { cands, counts, mulberry32, picks } from './helpers.js';

function constant(x: number): () => number {
  return () => x;
}

describe('random', () => {
  // Weights {1,1,2} cut [0,1) into [0,.25) [.25,.5) [.5,1).
  const W112 = [{}, {}, { weight: 2 }];
  const cases = [
    { name: '0 takes the first', random: constant(0), candidates: cands(3, W112), expected: [0] },
    { name: '0.25 takes the second', random: constant(0.25), candidates: cands(3, W112), expected: [1] },
    { name: '0.5 takes the heavy third', random: constant(0.5), candidates: cands(3, W112), expected: [2] },
    { name: '0.49 is still the second', random: constant(0.49), candidates: cands(3, W112), expected: [1] },
    {
      name: 'a source returning 1 takes the last eligible',
      random: constant(1),
      candidates: cands(3, [{}, {}, { weight: 0 }]),
      expected: [1],
    },
    {
      name: 'ineligible ones take no share',
      random: constant(0),
      candidates: cands(4, [{ weight: 0 }, { available: false }, { active: 3, max: 3 }, {}]),
      expected: [3, 3],
    },
    { name: 'none eligible', random: constant(0), candidates: cands(2, [{ weight: 0 }, { available: false }]), expected: [-1] },
    { name: 'no candidates', random: constant(0), candidates: cands(0), expected: [-1] },
  ];
  for (const { name, random, candidates, expected } of cases) {
    it(name, () => {
      assert.deepEqual(picks(createRandom({ random }), candidates, expected.length), expected);
    });
  }

  it('follows weights {1,2,3,4} over 100,000 picks within 1%', () => {
    const c = cands(4, [{ weight: 1 }, { weight: 2 }, { weight: 3 }, { weight: 4 }]);
    const n = counts(picks(createRandom({ random: mulberry32(11) }), c, 100_000), 4);
    n.forEach((k, i) => assert.ok(Math.abs(k / 100_000 - (i + 1) / 10) < 0.01, `counts ${n.join(',')}`));
  });

  it('is uniform over equal weights and never picks an ineligible one', () => {
    const c = cands(5, [{}, { available: false }, {}, { weight: 0 }, {}]);
    const list = picks(createRandom({ random: mulberry32(5) }), c, 30_000);
    for (const p of list) assert.ok(p >= 0 && isEligible(c[p]!));
    const n = counts(list, 5);
    for (const i of [0, 2, 4]) assert.ok(Math.abs(n[i]! / 30_000 - 1 / 3) < 0.015, `counts ${n.join(',')}`);
  });
});
