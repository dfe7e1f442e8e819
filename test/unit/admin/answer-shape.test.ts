// A result is checked against the shape of the fields a command prints: the first difference is
// named by its place in the result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maybe, shapeProblem, type Shape } from '../../../src/admin/answer-shape.js';

const WORKERS: Shape = { workers: [{ id: 'number', cpu: 'number?', recycles: maybe({}) }], failed: maybe({ reason: 'string' }) };

const cases: Array<{ value: unknown; problem: string | undefined }> = [
  { value: { workers: [] }, problem: undefined },
  { value: { workers: [{ id: 1, cpu: null, recycles: null, extra: 'newer master' }], failed: { reason: 'x' } }, problem: undefined },
  { value: undefined, problem: 'result: expected an object, got undefined' },
  { value: [], problem: 'result: expected an object, got a list' },
  { value: { workers: 'all' }, problem: 'result.workers: expected a list, got "all"' },
  { value: { workers: [{ id: 1 }, { id: '2' }] }, problem: 'result.workers[1].id: expected a number, got "2"' },
  { value: { workers: [{ id: Number.NaN }] }, problem: 'result.workers[0].id: expected a number, got NaN' },
  { value: { workers: [{ id: 1, cpu: '3%' }] }, problem: 'result.workers[0].cpu: expected a number, got "3%"' },
  { value: { workers: [{ id: 1, recycles: 5 }] }, problem: 'result.workers[0].recycles: expected an object, got 5' },
  { value: { workers: [], failed: { reason: 7 } }, problem: 'result.failed.reason: expected a string, got 7' },
];

test('shapeProblem names the first field that differs', () => {
  assert.deepEqual(cases.map((c) => shapeProblem(c.value, WORKERS)), cases.map((c) => c.problem));
});
