// A worker's status snapshot: the current process's request count and the recycles by reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workerInfo } from '../../../src/master/worker-info.js';
import { makeProcess, makeWorker } from '../workers/fakes.js';

test('requests: null until the current process reports, then its own count; a new process starts over', () => {
  const { worker, p } = makeWorker(1);
  assert.equal(workerInfo(worker, 0, 10).requests, null);
  p.reportRequests(42);
  assert.equal(workerInfo(worker, 0, 10).requests, 42);
  const { p: next } = makeProcess(1);
  worker.attach(next);
  assert.equal(workerInfo(worker, 0, 10).requests, null, 'the replacement has not reported yet');
  next.reportRequests(3);
  assert.equal(workerInfo(worker, 0, 10).requests, 3);
  next.markGone({ code: 0, signal: null });
  assert.equal(workerInfo(worker, 0, 10).requests, null, 'no process running');
});

test('recycles: every reason, counted per worker', () => {
  const { worker } = makeWorker(1);
  worker.countRecycle('requests');
  worker.countRecycle('requests');
  worker.countRecycle('lifetime');
  assert.deepEqual(workerInfo(worker, 0, 10).recycles, { memory: 0, connections: 0, requests: 2, lifetime: 1 });
});
