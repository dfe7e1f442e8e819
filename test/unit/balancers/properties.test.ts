// Properties every balancer must hold for any candidate list: the result is -1 or the
// index of an eligible candidate, and -1 only when none is eligible.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type Candidate, isEligible } from '../../../src/balancers/balancer.js';
import { ALGORITHMS, createBalancer } from '../../../src/balancers/index.js';
import { mulberry32 } from './helpers.js';

const candidate = fc.record({
  id: fc.integer({ min: 0, max: 50 }),
  weight: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 }), fc.double({ min: 0.01, max: 10, noNaN: true })),
  active: fc.integer({ min: 0, max: 20 }),
  max: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 })),
  available: fc.boolean(),
});
// Several successive lists, so that state kept between picks (cycles, tables) is exercised
// across lists that grow, shrink and change.
const rounds = fc.array(fc.array(candidate, { maxLength: 12 }), { minLength: 1, maxLength: 6 });
const client = fc.record({ address: fc.ipV4(), port: fc.integer({ min: 0, max: 65535 }) });

describe('every balancer', () => {
  for (const name of ALGORITHMS) {
    it(`${name}: -1 or an eligible index; -1 only when none is eligible`, () => {
      fc.assert(
        fc.property(rounds, client, fc.integer(), (lists, who, seed) => {
          const b = createBalancer(name, { random: mulberry32(seed), tableSize: 257 });
          for (const list of lists as Candidate[][]) {
            for (let k = 0; k < 4; k++) {
              const p = b.pick(list, who);
              if (p === -1) {
                const anyEligible = list.some(isEligible);
                assert.ok(!anyEligible, `${name} returned -1 with eligible candidates`);
              } else {
                assert.ok(Number.isInteger(p) && p >= 0 && p < list.length && isEligible(list[p]!), `${name} returned ${p}`);
              }
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  it('custom: never throws and returns -1 or an eligible index, whatever the function returns', () => {
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 8 }), fc.anything(), (list, result) => {
        const b = createBalancer(() => result as number);
        const p = b.pick(list, { address: '::1', port: 1 });
        assert.ok(p === -1 || isEligible(list[p]!));
      }),
    );
  });
});
