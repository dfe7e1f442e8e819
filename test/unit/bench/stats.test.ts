import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxOverMean, median, medianInterval, ratio } from '../../../bench/stats.js';

describe('bench stats', () => {
  it('median of odd and even counts, ignoring missing values', () => {
    const cases: Array<{ values: Array<number | null | undefined>; expected: number | null }> = [
      { values: [3, 1, 2], expected: 2 },
      { values: [4, 1, 3, 2], expected: 2.5 },
      { values: [5], expected: 5 },
      { values: [null, 7, undefined, Number.NaN, 9], expected: 8 },
      { values: [], expected: null },
      { values: [null], expected: null },
    ];
    for (const { values, expected } of cases) assert.equal(median(values), expected, JSON.stringify(values));
  });

  it('ratio is null when either side is missing or the base is 0', () => {
    assert.equal(ratio(3, 2), 1.5);
    assert.equal(ratio(0, 2), 0);
    assert.equal(ratio(1, 0), null);
    assert.equal(ratio(null, 2), null);
    assert.equal(ratio(2, undefined), null);
    assert.equal(ratio(Number.POSITIVE_INFINITY, 2), null);
  });

  it('max/mean over workers, idle workers counted as 0', () => {
    assert.equal(maxOverMean([10, 10]), 1);
    assert.equal(maxOverMean([15, 5]), 1.5);
    assert.equal(maxOverMean([10], 2), 2);
    assert.equal(maxOverMean([0, 0]), null);
    assert.equal(maxOverMean([], 0), null);
  });

  it('median interval: order statistics with sign-test coverage of at least 95%', () => {
    // Coverage 1 - 2 P(Binomial(n, 1/2) <= k - 1): n = 6 -> k = 1 (1 - 2/64); n = 9 -> k = 2 (1 - 20/512);
    // n = 12 -> k = 3 (1 - 158/4096); n = 8 stays at k = 1, k = 2 would cover only 1 - 18/256 = 93%.
    const cases: Array<{ n: number; low: number; high: number; confidence: number }> = [
      { n: 6, low: 1, high: 6, confidence: 1 - 2 / 64 },
      { n: 8, low: 1, high: 8, confidence: 1 - 2 / 256 },
      { n: 9, low: 2, high: 8, confidence: 1 - 20 / 512 },
      { n: 12, low: 3, high: 10, confidence: 1 - 158 / 4096 },
    ];
    for (const { n, low, high, confidence } of cases) {
      // Shuffled input: the interval is of the sorted values.
      const values = Array.from({ length: n }, (_, i) => ((i * 5) % n) + 1);
      const got = medianInterval(values);
      assert.ok(got, `n = ${n}`);
      assert.deepEqual([got.low, got.high], [low, high], `n = ${n}`);
      assert.ok(Math.abs(got.confidence - confidence) < 1e-12, `n = ${n}: ${got.confidence}`);
    }
    assert.equal(medianInterval([1, 2, 3, 4, 5]), null, 'n = 5 cannot reach 95%');
    assert.equal(medianInterval([1, 2, 3, 4, 5, null, Number.NaN]), null, 'missing values are not counted');
    assert.deepEqual(medianInterval([1, 2, 3, 4, 5], 0.9), { low: 1, high: 5, confidence: 1 - 2 / 32 });
  });
});
