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
  assert.deepEqual(await od.request('admin', null, 8080, 0), { code: 'EADDRINUSE', errno: -98 });
});

test(`at most ${MAX_ON_DEMAND} addresses: past it a listen() gets EMFILE`, async () => {
  const od = new OnDemandListeners(binder().bind);
  for (let p = 1; p <= MAX_ON_DEMAND; p++) await od.request('web', null, p, 0);
  assert.deepEqual(await od.request('web', null, 60000, 0), { code: 'EMFILE', errno: -24 });
  assert.deepEqual(await od.request('web', null, 1, 0), { listener: 0 }, 'a bound address is still joined');
});
