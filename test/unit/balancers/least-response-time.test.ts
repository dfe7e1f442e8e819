import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candidate } from '../../../src/balancers/balancer.js';
import { createLeastResponseTime } from '../../../src/balancers/least-response-time.js';

type C = { -readonly [K in keyof Candidate]: Candidate[K] };
const cand = (id: number, latency: number, active = 0, weight = 1, available = true): C => ({ id, weight, active, max: 0, available, latency });
const client = { address: '192.0.2.1', port: 1 };

describe('least-response-time', () => {
  const cases: Array<{ name: string; candidates: C[]; expected: number[] }> = [
    { name: 'the fastest idle worker', candidates: [cand(1, 8), cand(2, 2), cand(3, 4)], expected: [1, 1, 1] },
    { name: 'load counts: (active+1) x latency', candidates: [cand(1, 2, 3), cand(2, 3, 1)], expected: [1, 1, 1] },
    { name: 'weight divides the score', candidates: [cand(1, 4, 0, 4), cand(2, 2, 0, 1)], expected: [0, 0] },
    { name: 'ties taken in turn', candidates: [cand(1, 2), cand(2, 2), cand(3, 2)], expected: [0, 1, 2, 0] },
    { name: 'unknown latency counts as 1 ms', candidates: [cand(1, 0), cand(2, 5)], expected: [0, 0] },
    { name: 'ineligible ones are skipped', candidates: [cand(1, 1, 0, 1, false), cand(2, 9), cand(3, 1, 0, 0)], expected: [1, 1] },
    { name: 'none eligible', candidates: [cand(1, 1, 0, 1, false)], expected: [-1] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const b = createLeastResponseTime();
      assert.deepEqual(c.expected.map(() => b.pick(c.candidates, client)), c.expected);
    });
  }

  it('with picks adding load, a worker 3x slower gets about a third of the connections', () => {
    const b = createLeastResponseTime();
    const cs = [cand(1, 1), cand(2, 3)];
    for (let i = 0; i < 400; i++) cs[b.pick(cs, client)]!.active++;
    assert.equal(cs[0]!.active + cs[1]!.active, 400);
    assert.ok(Math.abs(cs[0]!.active / cs[1]!.active - 3) < 0.1, `${cs[0]!.active}:${cs[1]!.active}`);
  });
});
