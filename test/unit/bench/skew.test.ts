import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summariseSamples } from '../../../bench/balance.js';
import { DEFAULT_SKEW, lifetimes, seededRandom } from '../../../bench/skew.js';

describe('skewed lifetimes', () => {
  it('the same seed gives the same sequence', () => {
    const a = lifetimes(seededRandom(42));
    const b = lifetimes(seededRandom(42));
    const c = lifetimes(seededRandom(43));
    const xs = Array.from({ length: 20 }, a);
    assert.deepEqual(Array.from({ length: 20 }, b), xs);
    assert.notDeepEqual(Array.from({ length: 20 }, c), xs);
  });

  it('mixes many short and a heavy tail of long lifetimes, all within the cap', () => {
    const next = lifetimes(seededRandom(1), { ...DEFAULT_SKEW, capMs: 10_000 });
    const xs = Array.from({ length: 20_000 }, next);
    const long = xs.filter((x) => x >= DEFAULT_SKEW.longMinMs).length / xs.length;
    // 20% Pareto (all >= 500 ms) plus the few exponential ones above 500 ms (e^-500/150 of 80%).
    assert.ok(long > 0.18 && long < 0.25, `long share ${long}`);
    assert.ok(xs.every((x) => x >= 0 && x <= 10_000));
    assert.ok(xs.some((x) => x === 10_000), 'the tail reaches the cap');
    const sorted = [...xs].sort((p, q) => p - q);
    assert.ok(sorted[xs.length >> 1]! < 200, `median ${sorted[xs.length >> 1]}`);
  });

  it('seededRandom stays in [0, 1)', () => {
    const r = seededRandom(7);
    for (let i = 0; i < 10_000; i++) {
      const x = r();
      assert.ok(x >= 0 && x < 1);
    }
  });
});

describe('balance samples', () => {
  it('drops the ramp-up and idle samples; mean, median and worst of the rest', () => {
    assert.deepEqual(summariseSamples([3, 2, null, 1, 1.2, 1.1], 2), { maxOverMean: 1.1, medianMaxOverMean: 1.1, worstMaxOverMean: 1.2, samples: 3 });
  });

  it('nothing left: all null', () => {
    assert.deepEqual(summariseSamples([2, null], 1), { maxOverMean: null, medianMaxOverMean: null, worstMaxOverMean: null, samples: 0 });
  });
});
