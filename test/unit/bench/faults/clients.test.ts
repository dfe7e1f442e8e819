import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quantile } from '../../../../bench/faults/clients.js';

describe('fault clients: quantile', () => {
  it('nearest rank, whatever the order', () => {
    const v = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    assert.equal(quantile(v, 0.5), 5);
    assert.equal(quantile(v, 0.99), 10);
    assert.equal(quantile(v, 0), 1);
    assert.equal(quantile([], 0.5), null);
    assert.deepEqual(v, [5, 1, 4, 2, 3, 10, 9, 8, 7, 6], 'the input is left as it was');
  });
});
