// How a worker's servers finish on stop: no new connections; a keep-alive connection ends on its
// next request (answered with Connection: close), an idle one at the last call before --grace;
// `done` once every connection is gone, and only then.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { drainServers, isHttp1, lastCallMs } from '../../../src/in-worker/drain.js';
import { Http2Sessions } from '../../../src/in-worker/http2-sessions.js';
import { tryConnect } from '../../helpers/cluster.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function listening<S extends net.Server>(server: S): Promise<{ server: S; port: number }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => server.close());
  return { server, port: (server.address() as net.AddressInfo).port };
}

function connect(port: number): Promise<net.Socket> {
  const client = net.connect(port, '127.0.0.1');
  cleanups.push(() => client.destroy());
  return once(client, 'connect').then(() => client);
}

/** Sends one GET on `client` and resolves with the response's head once its body 'ok' is in. */
async function request(client: net.Socket): Promise<string> {
  let text = '';
  const onData = (d: Buffer): void => { text += d.toString(); };
  client.on('data', onData);
  client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  while (!text.endsWith('\r\n\r\nok')) await once(client, 'data');
  client.removeListener('data', onData);
  return text.slice(0, text.indexOf('\r\n\r\n')).toLowerCase();
}

describe('drainServers', () => {
  it('closes idle connections a tenth of grace before it runs out, at most a second before', () => {
    const table: Array<[number, number]> = [[30000, 29000], [10000, 9000], [5000, 4500], [500, 450], [0, 0]];
    assert.deepEqual(table.map(([g]) => [g, lastCallMs(g)]), table);
  });

  it('with no server: done at once', () => {
    let done = 0;
    drainServers([], new Http2Sessions(), 1000, () => done++);
    assert.equal(done, 1);
  });

  it('HTTP keep-alive: the next request is answered with Connection: close, the connection ends, then done', async () => {
    const { server, port } = await listening(http.createServer((_req, res) => res.end('ok')));
    assert.ok(isHttp1(server));
    const order: string[] = [];
    server.on('connection', (s: net.Socket) => s.on('close', () => order.push('connection closed')));
    const client = await connect(port);
    assert.match(await request(client), /\r\nconnection: keep-alive/, 'before the drain');
    const done = new Promise<void>((resolve) => drainServers([server], new Http2Sessions(), 10000, () => {
      order.push('done');
      resolve();
    }));
    assert.equal(await tryConnect('127.0.0.1', port), 'ECONNREFUSED', 'no new connection');
    assert.equal(order.length, 0, 'the open connection keeps the drain going');
    const head = await request(client);
    assert.match(head, /\r\nconnection: close/);
    await once(client, 'close');
    await done;
    // Node counts a connection gone as it is destroyed, a tick before its 'close' event.
    assert.deepEqual(order.sort(), ['connection closed', 'done']);
  });

  it('an idle keep-alive connection stays open until the last call, then is closed', async () => {
    const { server, port } = await listening(http.createServer((_req, res) => res.end('ok')));
    const client = await connect(port);
    await request(client);
    const grace = 300;
    const start = Date.now();
    let done = 0;
    drainServers([server], new Http2Sessions(), grace, () => done++);
    await new Promise((r) => setImmediate(r));
    assert.equal(client.destroyed, false, 'not closed as the drain starts');
    await once(client, 'close');
    const at = Date.now() - start;
    assert.ok(at >= lastCallMs(grace) - 5, `closed at ${at} ms, the last call is at ${lastCallMs(grace)} ms`);
    await new Promise((r) => setImmediate(r));
    assert.equal(done, 1);
  });

  it('a plain net connection is the application\'s to end: done only once it has', async () => {
    const { server, port } = await listening(net.createServer((s) => s.on('end', () => s.end())));
    const client = await connect(port);
    let done = 0;
    const finished = new Promise<void>((resolve) => drainServers([server], new Http2Sessions(), 300, () => {
      done++;
      resolve();
    }));
    // Past the last call: nothing of HTTP to close on it.
    await new Promise((r) => setTimeout(r, lastCallMs(300) + 50));
    assert.equal(done, 0);
    assert.equal(client.destroyed, false);
    client.end();
    await finished;
    assert.equal(done, 1);
  });
});
