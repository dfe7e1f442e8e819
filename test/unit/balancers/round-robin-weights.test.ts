import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRoundRobin } from '../../../src/balancers/round-robin.js';
import { cands, counts, picks } from './helpers.js';

// Round-robin obeys weights as HAProxy's roundrobin does: smooth weighted round-robin while
// the weights above 0 differ, plain order while they are equal.
describe('round-robin with weights', () => {
  const cases = [
    { name: '3,1 gives 3 of every 4 to the first, spread', weights: [3, 1], expected: [0, 0, 1, 0, 0, 0, 1, 0] },
    { name: '5,1,1 as NGINX: a a b a c a a', weights: [5, 1, 1], expected: [0, 0, 1, 0, 2, 0, 0] },
    { name: 'equal weights: plain order', weights: [2, 2, 2], expected: [0, 1, 2, 0, 1, 2] },
    { name: 'a drained worker (0) beside equal ones: plain order without it', weights: [1, 0, 1], expected: [0, 2, 0, 2] },
    { name: 'a drained worker beside unequal ones: weighted without it', weights: [2, 0, 1], expected: [0, 2, 0, 0, 2, 0] },
  ];
  for (const { name, weights, expected } of cases) {
    it(name, () => {
      const b = createRoundRobin();
      b.weightsChanged!(weights);
      const c = cands(weights.length, weights.map((weight) => ({ weight })));
      assert.deepEqual(picks(b, c, expected.length), expected);
    });
  }

  it('40 picks with 3,1 split 30/10', () => {
    const b = createRoundRobin();
    b.weightsChanged!([3, 1]);
    assert.deepEqual(counts(picks(b, cands(2, [{ weight: 3 }, { weight: 1 }]), 40), 2), [30, 10]);
  });

  it('weights set at run time are obeyed, and equal ones give plain order back', () => {
    const b = createRoundRobin();
    const c = cands(2);
    b.weightsChanged!([1, 1]);
    assert.deepEqual(picks(b, c, 2), [0, 1]);
    c[1]!.weight = 3;
    b.weightsChanged!([1, 3]);
    assert.deepEqual(counts(picks(b, c, 8), 2), [2, 6]);
    c[1]!.weight = 1;
    b.weightsChanged!([1, 1]);
    assert.deepEqual(counts(picks(b, c, 8), 2), [4, 4]);
  });
});
