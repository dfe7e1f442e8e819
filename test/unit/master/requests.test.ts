// The master's questions to its workers: ids from the master's one RequestIds, answers matched by
// id, kind and process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ToWorker } from '../../../src/ipc/protocol.js';
import { RequestIds } from '../../../src/ipc/request-ids.js';
import { Requests } from '../../../src/master/requests.js';
import type { WorkerProcess } from '../../../src/workers/worker-process.js';

function fakeProcess(): WorkerProcess & { sent: ToWorker[] } {
  const sent: ToWorker[] = [];
  return { sent, send: (m: ToWorker) => (sent.push(m), true) } as unknown as WorkerProcess & { sent: ToWorker[] };
}

test('every question draws from the one allocator: a ping between two questions takes its own id', async () => {
  const ids = new RequestIds();
  const requests = new Requests(ids);
  const p = fakeProcess();
  const metrics = requests.ask([p], 'metrics', 10_000, () => {});
  assert.equal(ids.next(), 2, 'a ping (health/monitor.ts draws the same way)');
  const peers = requests.ask([p], 'peers', 10_000, () => {});
  assert.deepEqual(p.sent.map((m) => [m.t, 'req' in m ? m.req : undefined]), [['metrics?', 1], ['peers?', 3]]);
  requests.answer('metrics', p, 1, {});
  requests.answer('peers', p, 3, []);
  await Promise.all([metrics, peers]);
});

test('an answer counts only for its own id, kind and process', async () => {
  const requests = new Requests(new RequestIds());
  const [a, b, other] = [fakeProcess(), fakeProcess(), fakeProcess()];
  const answered: string[] = [];
  let done = false;
  const asked = requests.ask([a, b], 'metrics', 10_000, (p) => answered.push(p === a ? 'a' : 'b')).then(() => { done = true; });
  requests.answer('peers', a, 1, {});
  requests.answer('metrics', a, 2, {});
  requests.answer('metrics', other, 1, {});
  requests.answer('metrics', a, 1, {});
  requests.answer('metrics', a, 1, {});
  await Promise.resolve();
  assert.deepEqual([answered, done], [['a'], false], 'the wrong kind, a wrong id, a process not asked and a second answer do not count');
  requests.answer('metrics', b, 1, {});
  await asked;
  assert.deepEqual(answered, ['a', 'b']);
});
