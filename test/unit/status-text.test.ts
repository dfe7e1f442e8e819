// The figures `portplex status` and the status page print, pinned by table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duration, rate, recycles, size } from '../../src/status-text.js';

test('size, rate, duration and recycles print as portplex status does', () => {
  const cases: Array<[string, string]> = [
    [size(null), '-'],
    [size(52.3 * 1024 ** 2), '52.3M'],
    [size(1.25 * 1024 ** 3), '1.25G'],
    [rate(undefined), '-'],
    [rate(2.345), '2.3'],
    [rate(123.6), '124'],
    [duration(999), '0s'],
    [duration(185_000), '3m5s'],
    [duration(2 * 3600_000 + 14 * 60_000 + 59_000), '2h14m'],
    [recycles(undefined), '0'],
    [recycles({ memory: 0, connections: 0, requests: 0, lifetime: 0 }), '0'],
    [recycles({ memory: 2, lifetime: 1 }), '2 mem, 1 life'],
  ];
  assert.deepEqual(cases.map((c) => c[0]), cases.map((c) => c[1]));
});
