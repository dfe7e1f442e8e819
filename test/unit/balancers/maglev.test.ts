import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildMaglevTable, isPrime } from '../../../src/balancers/maglev.js';

const M = 65537;

function slotCounts(table: Int32Array, n: number): number[] {
  const out = new Array<number>(n).fill(0);
  for (const p of table) out[p]!++;
  return out;
}

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('buildMaglevTable', () => {
  for (const n of [1, 2, 3, 7, 16, 100]) {
    it(`fills every slot, ${n} ids sharing M=${M} within one slot of M/N`, () => {
      const table = buildMaglevTable(range(n, 1000), undefined, M);
      const c = slotCounts(table, n);
      assert.equal(c.reduce((a, b) => a + b, 0), M);
      for (const k of c) assert.ok(k === Math.floor(M / n) || k === Math.ceil(M / n), `counts ${c.join(',')}`);
      assert.ok(table.every((p) => p >= 0 && p < n));
    });
  }

  it('is a pure function of ids, weights and size', () => {
    assert.deepEqual(buildMaglevTable([4, 9, 2], [1, 2, 1], 4093), buildMaglevTable([4, 9, 2], [1, 2, 1], 4093));
  });

  it('an id owns nearly the same slots whatever its position in ids', () => {
    const a = buildMaglevTable([10, 20], undefined, 101);
    const b = buildMaglevTable([20, 10], undefined, 101);
    // Turn order differs, so a few contested slots may differ; almost all must agree.
    let agree = 0;
    for (let s = 0; s < 101; s++) if ([10, 20][a[s]!] === [20, 10][b[s]!]) agree++;
    assert.ok(agree >= 90, `agree ${agree}`);
  });

  it('equal weights give exactly the unweighted table', () => {
    assert.deepEqual(buildMaglevTable([1, 2, 3], [5, 5, 5], 4093), buildMaglevTable([1, 2, 3], undefined, 4093));
  });

  it('weights {1,2,3,4} share the slots within 0.5% of 10/20/30/40%', () => {
    const c = slotCounts(buildMaglevTable([1, 2, 3, 4], [1, 2, 3, 4], M), 4);
    c.forEach((k, i) => assert.ok(Math.abs(k / M - (i + 1) / 10) < 0.005, `counts ${c.join(',')}`));
  });

  it('a very light candidate still terminates and gets its small share', () => {
    const c = slotCounts(buildMaglevTable([1, 2], [1, 1000], 4093), 2);
    assert.ok(c[0]! >= 3 && c[0]! <= 5, `counts ${c.join(',')}`);
  });

  it('removing 1 of 16 moves its slots and at most 1% of the others', () => {
    const ids = range(16, 1);
    const before = buildMaglevTable(ids, undefined, M);
    const kept = ids.filter((id) => id !== 6);
    const after = buildMaglevTable(kept, undefined, M);
    let moved = 0;
    let collateral = 0;
    for (let s = 0; s < M; s++) {
      const was = ids[before[s]!];
      if (was !== kept[after[s]!]) {
        moved++;
        if (was !== 6) collateral++;
      }
    }
    assert.ok(moved / M >= 1 / 16 && moved / M < 0.075, `moved ${moved}`);
    assert.ok(collateral / M < 0.01, `collateral ${collateral}`);
  });

  it('no ids gives a table of -1', () => {
    assert.ok(buildMaglevTable([], undefined, 7).every((p) => p === -1));
  });

  it('rejects bad input', () => {
    for (const size of [65536, 1, 0, -7, 7.5, Number.NaN]) {
      assert.throws(() => buildMaglevTable([1], undefined, size), /tableSize.*prime/);
    }
    assert.throws(() => buildMaglevTable([1, 2], [1], 7), /1 weights for 2 ids/);
    assert.throws(() => buildMaglevTable([1, 2], [1, 0], 7), /positive/);
    assert.throws(() => buildMaglevTable([1, 2], [1, Number.POSITIVE_INFINITY], 7), /positive/);
  });

  it('isPrime', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 9, 25, 4093, 65537, 65539, 65541].map(isPrime),
      [false, true, true, false, false, false, true, true, true, false],
    );
  });
});
