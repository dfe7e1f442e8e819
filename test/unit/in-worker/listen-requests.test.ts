// The worker's side of listen requests: which open listen() of an address each call is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListenRequests, type ListenSlot } from '../../../src/in-worker/listen-requests.js';
import { CMD } from '../../../src/ipc/protocol.js';
import { RequestIds } from '../../../src/ipc/request-ids.js';
import { FakeChannel } from './fakes.js';

test('open listen() calls of one address count 0, 1, ...; counting restarts once none is open (as Node\'s cluster child)', () => {
  const r = new ListenRequests(new FakeChannel(), new RequestIds());
  const slots: ListenSlot[] = [];
  const ask = (host: string | null, port: number, path?: string): void => r.ask(host, port, path, (_a, slot) => slots.push(slot));
  ask(null, 0);
  ask(null, 0);
  ask('127.0.0.1', 0);
  ask(null, 0, '/tmp/a.sock');
  for (let q = 1; q <= 4; q++) r.answer(q, { code: 'EACCES', errno: -13 });
  assert.deepEqual(slots.map((s) => [s.key, s.index]), [['*:0', 0], ['*:0', 1], ['127.0.0.1:0', 0], ['unix:/tmp/a.sock', 0]]);
  r.release(slots[0]!);
  ask(null, 0);
  r.answer(5, { code: 'EACCES', errno: -13 });
  assert.equal(slots[4]!.index, 2, 'index 1 is still open: the next is 2');
  r.release(slots[1]!);
  r.release(slots[4]!);
  ask(null, 0);
  r.answer(6, { code: 'EACCES', errno: -13 });
  assert.equal(slots[5]!.index, 0, 'none open: from 0 again');
});

test('an answer to no question, or a second answer, is ignored', () => {
  const r = new ListenRequests(new FakeChannel(), new RequestIds());
  let calls = 0;
  r.ask(null, 8080, undefined, () => calls++);
  r.answer(99, { code: 'EACCES', errno: -13 });
  r.answer(1, { listener: { i: 0, protocol: 'tcp', address: '::', port: 8080, family: 'IPv6' } });
  r.answer(1, { code: 'EACCES', errno: -13 });
  assert.equal(calls, 1);
});

test('each question goes to the master as one lq message, with its slot index (a Unix socket by its path)', () => {
  const channel = new FakeChannel();
  const r = new ListenRequests(channel, new RequestIds());
  r.ask('127.0.0.1', 3000, undefined, () => {});
  r.ask('127.0.0.1', 3000, undefined, () => {});
  r.ask(null, 0, '/tmp/b.sock', () => {});
  assert.deepEqual(channel.sent(), [
    { cmd: CMD, t: 'lq', req: 1, h: '127.0.0.1', p: 3000, x: 0 },
    { cmd: CMD, t: 'lq', req: 2, h: '127.0.0.1', p: 3000, x: 1 },
    { cmd: CMD, t: 'lq', req: 3, h: null, p: 0, x: 0, u: '/tmp/b.sock' },
  ]);
  // Answered, so that its keep-alive timer goes and the test process can end.
  for (let q = 1; q <= 3; q++) r.answer(q, { code: 'EACCES', errno: -13 });
});
