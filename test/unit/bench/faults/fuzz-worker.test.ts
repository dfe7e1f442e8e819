import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contractBroken } from '../../../../bench/faults/fuzz-worker.js';
import { fuzzParser } from '../../../../bench/faults/fuzz.js';

describe('parser fuzz', () => {
  const input = Buffer.from('abcd');
  it('contractBroken accepts the three statuses within bounds and names what is out', () => {
    assert.equal(contractBroken({ status: 'need-more' }, input, []), null);
    assert.equal(contractBroken({ status: 'parsed', value: {}, consumed: 4 }, input, []), null);
    assert.equal(contractBroken({ status: 'invalid', reason: 'x' }, input, ['x']), null);
    assert.equal(contractBroken({ status: 'parsed', value: {}, consumed: 5 }, input, []), 'consumed 5 of 4');
    assert.equal(contractBroken({ status: 'parsed', value: {}, consumed: 0 }, input, []), 'consumed 0 of 4');
    assert.equal(contractBroken({ status: 'invalid', reason: 'y' }, input, ['x']), 'unknown reason y');
    assert.equal(contractBroken({ status: 'odd' } as never, input, []), 'status odd');
  });

  it('a short run counts every case and reports each status', async () => {
    const row = await fuzzParser('proxy-protocol', 3000, 5);
    assert.equal(row.cases, 3000);
    assert.equal(row.hung, false);
    assert.equal(Object.values(row.statuses).reduce((a, b) => a + b, 0) + row.crashes, 3000);
    assert.ok((row.statuses.parsed ?? 0) > 0 && (row.statuses.invalid ?? 0) > 0, JSON.stringify(row.statuses));
  });
});
