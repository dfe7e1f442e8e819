import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GroupConfig } from '../../../src/config/types.js';
import { drawLimits, recycleVerdict } from '../../../src/supervisor/recycle.js';
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

/** A group with request and lifetime limits (and memory and connections off). */
const timed = (maxRequests: number, maxRequestsJitter: number, maxLifetime: number, maxLifetimeJitter: number): GroupConfig =>
  ({ ...group(), maxRequests, maxRequestsJitter, maxLifetime, maxLifetimeJitter });

/** A ready process (ready at 1 ms) that reported `requests`, with its own drawn limits. */
function counted(requests: number, limits: { maxRequests: number; maxLifetime: number }, rss = 50 * M) {
  const p = proc(rss);
  if (requests >= 0) p.reportRequests(requests);
  p.assignLimits(limits);
  return p;
}

test('drawLimits: the group limit plus a whole number from 0 to the jitter; none without a limit', () => {
  const g = timed(50, 10, 1500, 2000);
  assert.deepEqual(drawLimits(g, () => 0), { maxRequests: 50, maxLifetime: 1500 });
  assert.deepEqual(drawLimits(g, () => 0.5), { maxRequests: 55, maxLifetime: 2500 });
  assert.deepEqual(drawLimits(g, () => 0.999999), { maxRequests: 60, maxLifetime: 3500 });
  // A source that misbehaves still stays in range.
  assert.deepEqual(drawLimits(g, () => 1), { maxRequests: 50, maxLifetime: 1500 });
  assert.deepEqual(drawLimits(timed(50, 0, 1500, 0), () => 0.7), { maxRequests: 50, maxLifetime: 1500 });
  assert.deepEqual(drawLimits(timed(0, 10, 0, 2000), () => 0.7), { maxRequests: 0, maxLifetime: 0 }, 'a jitter without its limit');
  // Drawn per process: over many draws every value 0..jitter comes up, and nothing else.
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) seen.add(drawLimits(timed(100, 3, 0, 0)).maxRequests);
  assert.deepEqual([...seen].sort(), [100, 101, 102, 103]);
});

test('maxRequests: from the process\'s own limit on, naming the count and the limit with its jitter', () => {
  const g = timed(50, 10, 0, 0);
  assert.equal(recycleVerdict(g, counted(56, { maxRequests: 57, maxLifetime: 0 }), 5000, 1000), undefined);
  assert.deepEqual(recycleVerdict(g, counted(57, { maxRequests: 57, maxLifetime: 0 }), 5000, 1000),
    { reason: 'requests', why: 'received 57 HTTP requests (maxRequests 50 + jitter 7 = 57)' });
  assert.deepEqual(recycleVerdict(timed(50, 0, 0, 0), counted(64, { maxRequests: 50, maxLifetime: 0 }), 5000, 1000),
    { reason: 'requests', why: 'received 64 HTTP requests (maxRequests 50)' });
  // Two processes with the same count: each is judged by its own draw.
  assert.equal(recycleVerdict(g, counted(55, { maxRequests: 53, maxLifetime: 0 }), 5000, 1000)?.reason, 'requests');
  assert.equal(recycleVerdict(g, counted(55, { maxRequests: 58, maxLifetime: 0 }), 5000, 1000), undefined);
  assert.equal(recycleVerdict(g, counted(-1, { maxRequests: 50, maxLifetime: 0 }), 5000, 1000), undefined, 'no count reported yet');
  assert.equal(recycleVerdict(g, counted(900, { maxRequests: 0, maxLifetime: 0 }), 5000, 1000), undefined, 'no limit drawn');
});

test('maxLifetime: from the moment the process has been ready its own lifetime, ms exact', () => {
  const g = timed(0, 0, 1500, 2000);
  const p = counted(0, { maxRequests: 0, maxLifetime: 1687 });
  // Ready at 1 ms.
  assert.equal(recycleVerdict(g, p, 1687, 1000), undefined);
  assert.deepEqual(recycleVerdict(g, p, 1688, 1000), { reason: 'lifetime', why: 'has been ready 1687 ms (maxLifetime 1500 + jitter 187 = 1687 ms)' });
  assert.deepEqual(recycleVerdict(timed(0, 0, 1500, 0), counted(0, { maxRequests: 0, maxLifetime: 1500 }), 1801, 1000),
    { reason: 'lifetime', why: 'has been ready 1800 ms (maxLifetime 1500 ms)' });
  // A lifetime below minUptime waits for minUptime.
  const short = counted(0, { maxRequests: 0, maxLifetime: 200 });
  assert.equal(recycleVerdict(timed(0, 0, 200, 0), short, 1000, 1000), undefined);
  assert.equal(recycleVerdict(timed(0, 0, 200, 0), short, 1001, 1000)?.reason, 'lifetime');
});

test('several limits over at once: memory, then connections, then requests, then lifetime', () => {
  const all = { ...timed(10, 0, 100, 0), maxMemory: 10 * M, maxConnectionsServed: 1 };
  const limits = { maxRequests: 10, maxLifetime: 100 };
  const p = counted(20, limits);
  p.countHandedOver();
  assert.equal(recycleVerdict(all, p, 5000, 1000)?.reason, 'memory');
  assert.equal(recycleVerdict({ ...all, maxMemory: 0 }, p, 5000, 1000)?.reason, 'connections');
  assert.equal(recycleVerdict({ ...all, maxMemory: 0, maxConnectionsServed: 0 }, p, 5000, 1000)?.reason, 'requests');
  assert.equal(recycleVerdict({ ...all, maxMemory: 0, maxConnectionsServed: 0 }, counted(5, limits), 5000, 1000)?.reason, 'lifetime');
});
