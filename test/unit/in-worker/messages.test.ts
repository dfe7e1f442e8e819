// The master's messages in a worker: each handled by its own entry, answers on the channel.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ListenAnswer } from '../../../src/in-worker/listen-requests.js';
import { workerMessageTable, type WorkerTargets } from '../../../src/in-worker/messages.js';
import { CMD, dispatch, type ToWorker } from '../../../src/ipc/protocol.js';
import { FakeChannel } from './fakes.js';

function rig(): { channel: FakeChannel; done: unknown[]; table: ReturnType<typeof workerMessageTable> } {
  const channel = new FakeChannel();
  const done: unknown[] = [];
  const targets: WorkerTargets = {
    stop: () => done.push('stop'),
    releaseShared: (l) => done.push(['releaseShared', l]),
    answerPeers: (r) => done.push(['answerPeers', r]),
    heldIds: () => [3, -1],
    heldCount: () => 2,
    loopDelay: () => 12.5,
    usage: () => ({ rss: 100, heapUsed: 50, cpu: 7 }),
    requests: () => 41,
    listenAnswer: (q: number, a: ListenAnswer) => done.push(['listenAnswer', q, a]),
  };
  return { channel, done, table: workerMessageTable(channel, targets) };
}

describe('workerMessageTable', () => {
  it("'held?': every accept and close report leaves before the list of what we hold", () => {
    const { channel, table } = rig();
    dispatch(table, undefined, { cmd: CMD, t: 'held?' });
    assert.deepEqual(channel.calls, [['flushAccepts'], ['flushReports'], ['send', { cmd: CMD, t: 'held', c: [3, -1] }]]);
  });

  it("'ping' is answered at once with the loop delay, held count, usage and requests", () => {
    const { channel, table } = rig();
    dispatch(table, undefined, { cmd: CMD, t: 'ping', req: 9 });
    assert.deepEqual(channel.calls, [['send', { cmd: CMD, t: 'pong', req: 9, d: 12.5, a: 2, r: 100, h: 50, u: 7, q: 41 }]]);
  });

  const targetCases: Array<{ m: ToWorker; done: unknown[] }> = [
    { m: { cmd: CMD, t: 'stop' }, done: ['stop'] },
    { m: { cmd: CMD, t: 'lp', l: 2 }, done: [['releaseShared', 2]] },
    { m: { cmd: CMD, t: 'peers?', req: 4 }, done: [['answerPeers', 4]] },
    { m: { cmd: CMD, t: 'lr', req: 1, l: null, e: 'EADDRINUSE', n: -98 }, done: [['listenAnswer', 1, { code: 'EADDRINUSE', errno: -98 }]] },
  ];
  for (const c of targetCases) {
    it(`'${c.m.t}' goes to its target, nothing sent`, () => {
      const { channel, done, table } = rig();
      dispatch(table, undefined, c.m);
      assert.deepEqual(done, c.done);
      assert.deepEqual(channel.calls, []);
    });
  }
});
