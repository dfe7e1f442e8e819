import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFirst } from '../../../src/balancers/first.js';
import { cands, picks } from './helpers.js';

describe('first', () => {
  const cases = [
    { name: 'always the first while it has room', candidates: cands(3), expected: [0, 0, 0] },
    { name: 'skips draining and unavailable', candidates: cands(3, [{ weight: 0 }, { available: false }]), expected: [2, 2] },
    { name: 'skips one at its max', candidates: cands(3, [{ max: 4, active: 4 }]), expected: [1] },
    { name: 'none eligible', candidates: cands(1, [{ available: false }]), expected: [-1] },
  ];
  for (const { name, candidates, expected } of cases) {
    it(name, () => {
      assert.deepEqual(picks(createFirst(), candidates, expected.length), expected);
    });
  }

  it('fills workers in order with long-lived connections, then has none', () => {
    const c = cands(3, [{ max: 2 }, { max: 3 }, { max: 1 }]);
    assert.deepEqual(picks(createFirst(), c, 7, true), [0, 0, 1, 1, 1, 2, -1]);
  });

  it('goes back to an earlier worker as soon as it has room again', () => {
    const c = cands(2, [{ max: 1 }]);
    const b = createFirst();
    assert.deepEqual(picks(b, c, 2, true), [0, 1]);
    c[0]!.active--;
    assert.deepEqual(picks(b, c, 1), [0]);
  });
});
