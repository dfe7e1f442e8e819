import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GroupConfig } from '../../../src/config/types.js';
import { recycleVerdict } from '../../../src/supervisor/recycle.js';
import { group, makeProcess } from '../workers/fakes.js';

const M = 1024 ** 2;
const limits = (maxMemory: number, maxConnectionsServed: number): GroupConfig => ({ ...group(), maxMemory, maxConnectionsServed });

/** A ready process (ready at 1 ms) whose last heartbeat reported `rss`, having served `served` connections. */
function proc(rss: number, served = 0) {
  const { p } = makeProcess(1, { now: 1 });
  p.heartbeat.sent(1, 0);
  p.heartbeat.answer(1, 0, 1, { rss, heapUsed: rss / 2, cpu: 0 });
  for (let i = 0; i < served; i++) p.countHandedOver();
  return p;
}

test('over maxMemory: a memory recycle naming the figures; at it or without a limit, none', () => {
  const v = recycleVerdict(limits(100 * M, 0), proc(150 * M), 5000, 1000);
  assert.deepEqual(v, { reason: 'memory', why: 'uses 150M of resident memory, above maxMemory 100M' });
  assert.equal(recycleVerdict(limits(100 * M, 0), proc(100 * M), 5000, 1000), undefined);
  assert.equal(recycleVerdict(limits(0, 0), proc(900 * M), 5000, 1000), undefined);
  assert.equal(recycleVerdict(limits(100 * M, 0), proc(-1), 5000, 1000), undefined, 'rss not reported');
});

test('maxConnectionsServed: from the count on; memory wins when both are over', () => {
  assert.equal(recycleVerdict(limits(0, 10), proc(50 * M, 9), 5000, 1000), undefined);
  assert.deepEqual(recycleVerdict(limits(0, 10), proc(50 * M, 10), 5000, 1000), { reason: 'connections', why: 'served 10 connections (maxConnectionsServed 10)' });
  assert.equal(recycleVerdict(limits(10 * M, 10), proc(50 * M, 10), 5000, 1000)?.reason, 'memory');
});

test('a process ready for less than minUptime, or not ready, is left alone', () => {
  assert.equal(recycleVerdict(limits(10 * M, 0), proc(50 * M), 1000, 1000), undefined);
  assert.equal(recycleVerdict(limits(10 * M, 0), proc(50 * M), 1001, 1000)?.reason, 'memory');
  const leaving = proc(50 * M);
  leaving.requestStop();
  assert.equal(recycleVerdict(limits(10 * M, 0), leaving, 5000, 1000), undefined);
});
