import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maxOverMean, median, ratio } from '../../../bench/stats.js';

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
});
