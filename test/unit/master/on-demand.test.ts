// The master's side of listen requests: one bind per address key, shared; errors answered and forgotten.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_ON_DEMAND, OnDemandListeners } from '../../../src/master/on-demand.js';

/** A bind that records its calls and answers as told: a listener index, or a system error. */
function binder(fail: (host: string | undefined, port: number) => string | undefined = () => undefined) {
  const calls: Array<[string, string | undefined, number]> = [];
  const bind = async (group: string, host: string | undefined, port: number): Promise<number> => {
    calls.push([group, host, port]);
    const code = fail(host, port);
    if (code !== undefined) throw Object.assign(new Error(`cannot listen: ${code}`), { cause: { code, errno: code === 'EADDRINUSE' ? -98 : -13 } });
    return calls.length - 1;
  };
  return { calls, bind };
}

test('the first listen() of an address binds it; every later one of the same key joins it', async () => {
  const b = binder();
  const od = new OnDemandListeners(b.bind);
  const answers = await Promise.all([
    od.request('web', '127.0.0.1', 9464, 0),
    od.request('web', '127.0.0.1', 9464, 0),
    od.request('web', null, 3000, 0),
    od.request('web', '127.0.0.1', 9464, 0),
  ]);
  assert.deepEqual(answers, [{ listener: 0 }, { listener: 0 }, { listener: 1 }, { listener: 0 }]);
  assert.deepEqual(b.calls, [['web', '127.0.0.1', 9464], ['web', undefined, 3000]], 'one bind per address, in order');
});

test('port 0: the n-th listen(0) of every worker shares one socket; another index is another socket', async () => {
  const b = binder();
  const od = new OnDemandListeners(b.bind);
  assert.deepEqual(await Promise.all([od.request('web', null, 0, 0), od.request('web', null, 0, 0), od.request('web', null, 0, 1)]),
    [{ listener: 0 }, { listener: 0 }, { listener: 1 }]);
  assert.equal(b.calls.length, 2);
});

test('a failed bind is answered with its errno to every waiter and forgotten, so a later listen() tries again', async () => {
  let busy = true;
  const b = binder(() => (busy ? 'EADDRINUSE' : undefined));
  const od = new OnDemandListeners(b.bind);
  const failed = { code: 'EADDRINUSE', errno: -98 };
  assert.deepEqual(await Promise.all([od.request('web', null, 80, 0), od.request('web', null, 80, 0)]), [failed, failed]);
  busy = false;
  assert.deepEqual(await od.request('web', null, 80, 0), { listener: 1 });
  assert.equal(od.size, 1);
});

test("another group's listen() of a bound address is EADDRINUSE, as a second bind in one process", async () => {
  const od = new OnDemandListeners(binder().bind);
  assert.deepEqual(await od.request('web', null, 8080, 0), { listener: 0 });
  assert.deepEqual(await od.request('admin', null, 8080, 0), { code: 'EADDRINUSE', errno: -98, heldBy: 'web' });
});

test(`at most ${MAX_ON_DEMAND} addresses: past it a listen() gets EMFILE`, async () => {
  const od = new OnDemandListeners(binder().bind);
  for (let p = 1; p <= MAX_ON_DEMAND; p++) await od.request('web', null, p, 0);
  assert.deepEqual(await od.request('web', null, 60000, 0), { code: 'EMFILE', errno: -24 });
  assert.deepEqual(await od.request('web', null, 1, 0), { listener: 0 }, 'a bound address is still joined');
});

test('closed everywhere: the next listen() of the address waits for the close, then binds it again under the same index', async () => {
  const order: string[] = [];
  const binds: Array<number | undefined> = [];
  let next = 0;
  const od = new OnDemandListeners(async (_g, _h, port, _path, again) => {
    order.push(`bind ${port}`);
    binds.push(again);
    return again ?? next++;
  });
  assert.deepEqual(await od.request('web', null, 9464, 0), { listener: 0 });
  assert.deepEqual(await od.request('web', null, 3000, 0), { listener: 1 });
  let finishClose!: () => void;
  od.closed(0, () => new Promise<void>((r) => { order.push('close 9464'); finishClose = () => { order.push('closed 9464'); r(); }; }));
  assert.equal(od.size, 1);
  const again = od.request('web', null, 9464, 0);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['bind 9464', 'bind 3000', 'close 9464'], 'no bind while the close is under way');
  finishClose();
  assert.deepEqual(await again, { listener: 0 });
  assert.deepEqual(order, ['bind 9464', 'bind 3000', 'close 9464', 'closed 9464', 'bind 9464']);
  assert.deepEqual(binds, [undefined, undefined, 0], 'bound again at its old index');
  od.closed(7, () => Promise.reject(new Error('never called for an index it did not bind')));
});

test('a Unix socket path is its own key, beside any port', async () => {
  const calls: Array<[number, string | undefined]> = [];
  const od = new OnDemandListeners(async (_g, _h, port, path) => calls.push([port, path]) - 1);
  const answers = await Promise.all([
    od.request('web', null, 0, 0, '/run/a.sock'), od.request('web', null, 0, 0, '/run/a.sock'),
    od.request('web', null, 0, 0, '/run/b.sock'), od.request('web', null, 0, 0),
  ]);
  assert.deepEqual(answers, [{ listener: 0 }, { listener: 0 }, { listener: 1 }, { listener: 2 }]);
  assert.deepEqual(calls, [[0, '/run/a.sock'], [0, '/run/b.sock'], [0, undefined]]);
});
