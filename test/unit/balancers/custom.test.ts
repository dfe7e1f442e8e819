import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PickFunction } from '../../../src/balancers/balancer.js';
import { createCustom } from '../../../src/balancers/custom.js';
import { CLIENT, cands } from './helpers.js';

// Candidate 1 is draining, so index 1 is not an acceptable answer.
const CANDIDATES = cands(3, [{}, { weight: 0 }]);

describe('custom', () => {
  const cases: { name: string; fn: PickFunction; expected: number; errors: number }[] = [
    { name: 'an eligible index passes through', fn: () => 2, expected: 2, errors: 0 },
    { name: '-1 is a valid "queue it"', fn: () => -1, expected: -1, errors: 0 },
    { name: 'an ineligible index', fn: () => 1, expected: -1, errors: 1 },
    { name: 'out of range', fn: () => 3, expected: -1, errors: 1 },
    { name: 'negative other than -1', fn: () => -2, expected: -1, errors: 1 },
    { name: 'not an integer', fn: () => 0.5, expected: -1, errors: 1 },
    { name: 'NaN', fn: () => Number.NaN, expected: -1, errors: 1 },
    { name: 'a string', fn: (() => '0') as unknown as PickFunction, expected: -1, errors: 1 },
    { name: 'undefined', fn: (() => undefined) as unknown as PickFunction, expected: -1, errors: 1 },
    {
      name: 'an object whose toString throws',
      fn: (() => ({ toString: () => { throw new Error('no'); } })) as unknown as PickFunction,
      expected: -1,
      errors: 1,
    },
    { name: 'a throw does not escape', fn: () => { throw new Error('user bug'); }, expected: -1, errors: 1 },
  ];
  for (const { name, fn, expected, errors } of cases) {
    it(name, () => {
      const b = createCustom(fn);
      assert.equal(b.pick(CANDIDATES, CLIENT), expected);
      assert.equal(b.errors, errors);
    });
  }

  it('counts every rejected pick and keeps the last error', () => {
    const b = createCustom(() => {
      throw new Error('user bug');
    });
    for (let i = 0; i < 3; i++) assert.equal(b.pick(CANDIDATES, CLIENT), -1);
    assert.equal(b.errors, 3);
    assert.match((b.lastError as Error).message, /user bug/);
    const bad = createCustom(() => 7);
    bad.pick(CANDIDATES, CLIENT);
    assert.ok(bad.lastError instanceof RangeError);
    assert.match(bad.lastError.message, /returned 7/);
  });

  it('passes the candidates and the client to the function', () => {
    let seen: unknown[] = [];
    const b = createCustom((candidates, client) => {
      seen = [candidates, client];
      return candidates.findIndex((c) => c.id === 2);
    });
    assert.equal(b.pick(CANDIDATES, CLIENT), 2);
    assert.equal(seen[0], CANDIDATES);
    assert.equal(seen[1], CLIENT);
    assert.equal(b.name, 'custom');
  });

  it('rejects a non-function at construction', () => {
    assert.throws(() => createCustom('x' as unknown as PickFunction), TypeError);
  });
});
