import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DirectLedger } from '../../../src/workers/direct-ledger.js';

test('accepts are counted; only recorded ones are open', () => {
  const d = new DirectLedger();
  d.accept(-1, 10);
  d.accept(-2, -1); // the table was full: counted, not open
  d.accept(-3, 30);
  assert.equal(d.accepted, 3);
  assert.equal(d.open, 2);
  assert.equal(d.recordOf(-1), 10);
  assert.equal(d.recordOf(-2), undefined);
  assert.equal(d.recordOf(-3), 30);
});

test('close returns the record once', () => {
  const d = new DirectLedger();
  d.accept(-1, 10);
  assert.equal(d.close(-1), 10);
  assert.equal(d.close(-1), undefined);
  assert.equal(d.close(-9), undefined);
  assert.equal(d.open, 0);
  assert.equal(d.accepted, 1, 'closing does not uncount');
});

test('keepOnly forgets the numbers the worker no longer lists', () => {
  const d = new DirectLedger();
  for (let i = 1; i <= 4; i++) d.accept(-i, i * 10);
  d.keepOnly(new Set([-2, -4, -7]));
  assert.deepEqual([-1, -2, -3, -4].map((seq) => d.recordOf(seq)), [undefined, 20, undefined, 40]);
  assert.equal(d.open, 2);
  assert.equal(d.accepted, 4);
});

test('shared sockets: given and taken per listener, with the time it was last given', () => {
  const d = new DirectLedger();
  assert.equal(d.holds(0), false);
  assert.equal(d.heldSince(0), 0);
  d.given(1, 500);
  assert.deepEqual([d.holds(0), d.holds(1)], [false, true]);
  assert.equal(d.heldSince(1), 500);
  d.taken(1);
  assert.equal(d.holds(1), false);
  assert.equal(d.heldSince(1), 500, 'taking keeps the last time given');
  d.given(1, 900);
  assert.equal(d.heldSince(1), 900);
});
