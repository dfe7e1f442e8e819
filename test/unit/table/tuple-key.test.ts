import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIPv4, ipv4Of, parseIPv4, tupleHash } from '../../../src/table/tuple-key.js';

describe('tuple key', () => {
  const cases: [string, number][] = [
    ['0.0.0.0', 0],
    ['1.2.3.4', 0x01020304],
    ['255.255.255.255', 0xffffffff],
    ['192.0.2.10', 0xc000020a],
    ['::ffff:192.0.2.10', 0xc000020a],
    ['256.0.0.1', -1],
    ['1.2.3', -1],
    ['1.2.3.4.5', -1],
    ['1..3.4', -1],
    ['1.2.3.', -1],
    ['.1.2.3', -1],
    ['01.2.3.4', -1],
    ['1.2.3.4 ', -1],
    ['1.2.3.-4', -1],
    ['1234.1.1.1', -1],
    ['::1', -1],
    ['::FFFF:1.2.3.4', -1],
    ['::ffff:1.2.3', -1],
    ['2001:db8::1', -1],
    ['', -1],
  ];
  for (const [text, expected] of cases) {
    it(`ipv4Of(${JSON.stringify(text)}) is ${expected}`, () => assert.equal(ipv4Of(text), expected));
  }

  it('formats and parses back every uint32', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.boolean(), (ip, mapped) => {
        const text = formatIPv4(ip, mapped);
        assert.equal(ipv4Of(text), ip);
        assert.equal(parseIPv4(text, mapped ? 7 : 0), ip);
      }),
    );
  });

  it('spreads neighbouring tuples over the buckets', () => {
    const buckets = new Uint32Array(1024);
    for (let i = 0; i < 65536; i++) buckets[tupleHash(0x0a000000 + (i >> 4), 40000 + (i & 15), 0, 0) & 1023]!++;
    assert.ok(Math.max(...buckets) < 64 * 2, `fullest bucket ${Math.max(...buckets)} (mean 64)`);
  });
});
