// The worker runtime alone, driven by this test as its master: it ignores malformed messages,
// refuses what it cannot serve or what arrives too late, and adopts the rest.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { ROOT, fixture, waitFor } from '../helpers/cluster.js';

type Msg = Record<string, any>;

test('malformed, misrouted and stale hand-overs are refused; a good one is served, without binding the port', async () => {
  // We hold the cluster port ourselves: had the worker tried to bind it, it would fail.
  const front = net.createServer() as unknown as Msg;
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const port: number = front.address().port;
  const handles: Msg[] = [];
  front._handle.onconnection = (_e: number, h: Msg) => handles.push(h);

  const child = fork(fixture('http-app.js'), [], {
    execArgv: ['--import', new URL('dist/src/worker/preload.js', `file://${ROOT}`).href],
    env: {
      ...process.env,
      PORT: String(port),
      PORTPLEX_WORKER_ID: '7',
      PORTPLEX_LISTENERS: JSON.stringify([{ i: 0, address: '127.0.0.1', port, family: 'IPv4' }]),
      PORTPLEX_STALE_AFTER: '1000',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const got: Msg[] = [];
  child.on('internalMessage', (m: Msg) => { if (m.cmd === 'NODE_PORTPLEX') got.push(m); });
  try {
    await waitFor(() => got.some((m) => m.t === 'listening' && m.l[0] === 0), 5000, 'the worker to listen');

    const clients: net.Socket[] = [];
    const connect = async (): Promise<Msg> => {
      const n = handles.length;
      const c = net.connect(port, '127.0.0.1');
      c.on('error', () => {});
      clients.push(c);
      await waitFor(() => handles.length > n, 2000, 'an accepted handle');
      return handles[n];
    };
    const cmd = 'NODE_PORTPLEX';
    child.send({ cmd, t: 'c' });
    child.send({ cmd, t: 'nonsense' });
    child.send({ cmd, t: 'c', i: 'x', l: 0, s: Date.now() }, (await connect()) as never);
    child.send({ cmd, t: 'c', i: 5, l: 99, s: Date.now() }, (await connect()) as never);
    child.send({ cmd, t: 'c', i: 6, l: 0, s: Date.now() - 60000 }, (await connect()) as never);
    const good = await connect();
    const client = clients[clients.length - 1];
    let response = '';
    client.setEncoding('utf8');
    client.on('data', (d) => { response += d; });
    const ended = once(client, 'end');
    client.write('GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    child.send({ cmd, t: 'c', i: 7, l: 0, s: Date.now() }, good as never);

    await waitFor(() => got.some((m) => m.t === 'a' && m.i === 7), 3000, 'the ack of connection 7');
    const refusals = got.filter((m) => m.t === 'r').map((m) => [m.i, m.why]);
    assert.deepEqual(refusals, [[5, 'no-server'], [6, 'stale']]);
    assert.ok(!got.some((m) => m.t === 'a' && m.i !== 7), 'only connection 7 was acknowledged');
    good.close(); // the master's copy, closed after the ack as the dispatcher does
    await ended;
    assert.match(response, /^HTTP\/1\.1 200 OK/);
    assert.match(response, /"worker":7,"pid":\d+,"path":"\/hello"/);
    await waitFor(() => got.some((m) => m.t === 'x' && m.c.includes(7)), 3000, 'the close report of connection 7');
    for (const c of clients) c.destroy();
    for (const h of handles) if (h !== good) h.close();
  } finally {
    child.send({ cmd: 'NODE_PORTPLEX', t: 'stop' });
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, 'the worker drained and exited 0 on stop');
    front.close();
  }
});
