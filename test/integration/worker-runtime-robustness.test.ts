// The worker runtime alone, driven by this test as its master: it ignores malformed messages,
// refuses what it cannot serve or what arrives too late, and adopts the rest.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { FrameChannel } from '../../src/ipc/frame-channel.js';
import { FRAME, ackCount, ackId, acksBegun, acksTaken, encodeConn } from '../../src/ipc/frames.js';
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
    execArgv: ['--import', new URL('dist/src/in-worker/preload.js', `file://${ROOT}`).href],
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
    // The connection frames a master writes, and the A frames the worker answers with.
    const taken: number[] = [];
    const closed: number[] = [];
    const frames = FrameChannel.open(child, (type, b, start, end) => {
      if (type !== FRAME.acks) return;
      const n = acksTaken(b, start, end);
      const begun = acksBegun(b, start);
      for (let i = 0; i < ackCount(start, end); i++) {
        if (i < n) taken.push(ackId(b, start, i));
        else if (i >= n + begun) closed.push(ackId(b, start, i));
      }
    }, () => assert.fail('the worker wrote a corrupt frame'))!;
    const cmd = 'NODE_PORTPLEX';
    child.send({ cmd, t: 'c' }); // the old JSON form: not ours any more
    child.send({ cmd, t: 'nonsense' });
    frames.write(Buffer.from([1, FRAME.conn, 3, 0, 0, 0, 1, 2, 3]), await connect()); // too short to read
    // No descriptor (a worker out of them gets such a frame): refused, so the master tries another.
    frames.write(encodeConn(4, 0, Date.now(), undefined, false, undefined));
    frames.write(encodeConn(5, 99, Date.now(), undefined, false, undefined), await connect());
    frames.write(encodeConn(6, 0, Date.now() - 60000, undefined, false, undefined), await connect());
    const good = await connect();
    const client = clients[clients.length - 1];
    let response = '';
    client.setEncoding('utf8');
    client.on('data', (d) => { response += d; });
    const ended = once(client, 'end');
    client.write('GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    frames.write(encodeConn(7, 0, Date.now(), undefined, false, undefined), good);

    await waitFor(() => taken.includes(7), 3000, 'the ack of connection 7');
    const refusals = got.filter((m) => m.t === 'r').map((m) => [m.i, m.why]);
    assert.deepEqual(refusals, [[4, 'no-descriptor'], [5, 'no-server'], [6, 'stale']]);
    assert.deepEqual(taken, [7], 'only connection 7 was acknowledged');
    good.close(); // the master's copy, closed after the ack as the dispatcher does
    await ended;
    assert.match(response, /^HTTP\/1\.1 200 OK/);
    assert.match(response, /"worker":7,"pid":\d+,"path":"\/hello"/);
    await waitFor(() => closed.includes(7), 3000, 'the close report of connection 7');
    for (const c of clients) c.destroy();
    for (const h of handles) if (h !== good) h.close();
  } finally {
    child.send({ cmd: 'NODE_PORTPLEX', t: 'stop' });
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, 'the worker drained and exited 0 on stop');
    front.close();
  }
});
