// The worker's request count on real servers of each kind: exact counts, and the servers'
// listeners left as the application would have them (no 'request' on HTTP/2, no 'upgrade').
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import { createServer as tlsServer } from 'node:tls';
import { after, test } from 'node:test';
import { RequestCount } from '../../../src/in-worker/request-count.js';
import { fixture } from '../../helpers/cluster.js';

const tls = { key: readFileSync(fixture('tls/key.pem')), cert: readFileSync(fixture('tls/cert.pem')) };
const servers: net.Server[] = [];
after(() => { for (const s of servers) s.close(); });

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** `n` GETs one after another on one kept-alive connection; resolves with the bodies. */
async function http1Requests(mod: typeof http | typeof https, port: number, n: number, headers: Record<string, string> = {}): Promise<string[]> {
  const agent = new mod.Agent({ keepAlive: true, maxSockets: 1 });
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) {
    bodies.push(await new Promise<string>((resolve, reject) => {
      mod.get({ host: '127.0.0.1', port, agent, headers, rejectUnauthorized: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => { body += d; });
        res.on('end', () => resolve(body));
      }).on('error', reject);
    }));
  }
  agent.destroy();
  return bodies;
}

/** `n` requests on one HTTP/2 session, all at once; resolves with the bodies. */
async function h2Requests(url: string, n: number): Promise<string[]> {
  const session = http2.connect(url, { rejectUnauthorized: false });
  try {
    return await Promise.all(Array.from({ length: n }, () => new Promise<string>((resolve, reject) => {
      const req = session.request({ ':path': '/' });
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => { body += d; });
      req.on('end', () => resolve(body));
      req.on('error', reject);
    })));
  } finally {
    session.close();
  }
}

test('http: each request counted once, however often the server is watched; no upgrade listener added', async () => {
  const count = new RequestCount();
  const server = http.createServer((_req, res) => res.end('ok'));
  count.watch(server);
  count.watch(server);
  const port = await listen(server);
  assert.deepEqual(await http1Requests(http, port, 5), ['ok', 'ok', 'ok', 'ok', 'ok']);
  assert.equal(count.total, 5);
  assert.equal(server.listenerCount('upgrade'), 0);
  assert.equal(server.listenerCount('request'), 2, "the application's and ours");
});

test('http: an upgrade the application takes is not a request; without its listener Node answers it as one', async () => {
  const count = new RequestCount();
  const taker = http.createServer((_req, res) => res.end('ok'));
  taker.on('upgrade', (_req, socket: net.Socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n'));
  count.watch(taker);
  const takerPort = await listen(taker);
  await new Promise<void>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: takerPort, agent: false, headers: { connection: 'upgrade', upgrade: 'test' } })
      .on('upgrade', (_res, socket) => { socket.destroy(); resolve(); })
      .on('error', reject);
  });
  assert.equal(count.total, 0);

  const plain = http.createServer((_req, res) => res.end('plain'));
  count.watch(plain);
  const plainPort = await listen(plain);
  assert.deepEqual(await http1Requests(http, plainPort, 1, { connection: 'upgrade', upgrade: 'test' }), ['plain']);
  assert.equal(count.total, 1);
  assert.equal(plain.listenerCount('upgrade'), 0, 'Node answers upgrade requests itself only while nobody listens for upgrade');
});

test('https: requests counted', async () => {
  const count = new RequestCount();
  const server = https.createServer(tls, (_req, res) => res.end('tls'));
  count.watch(server);
  const port = await listen(server);
  assert.deepEqual(await http1Requests(https, port, 3), ['tls', 'tls', 'tls']);
  assert.equal(count.total, 3);
});

test('http2 (h2c) with streams only: each stream counted, and the compatibility API stays off', async () => {
  const count = new RequestCount();
  const server = http2.createServer();
  let compat = 0;
  server.on('stream', (stream) => {
    stream.respond({ ':status': 200 });
    stream.end('h2');
  });
  count.watch(server);
  const port = await listen(server);
  assert.deepEqual(await h2Requests(`http://127.0.0.1:${port}`, 4), ['h2', 'h2', 'h2', 'h2']);
  assert.deepEqual(await h2Requests(`http://127.0.0.1:${port}`, 3), ['h2', 'h2', 'h2']);
  assert.equal(count.total, 7);
  // With the compatibility API on, Node's own 'stream' listener would make a request and response per stream.
  assert.equal(server.listenerCount('request'), 0);
  assert.equal(server.listenerCount('stream'), 2, "the application's and ours, nothing of Node's");
  server.on('request', () => { compat++; });
  assert.equal(server.listenerCount('stream'), 3, 'a request listener still turns it on, as without us');
  assert.equal(compat, 0);
});

test('http2 with the compatibility API (a request handler): streams counted once, not again as requests', async () => {
  const count = new RequestCount();
  const server = http2.createServer((_req, res) => res.end('compat'));
  count.watch(server);
  const port = await listen(server);
  assert.deepEqual(await h2Requests(`http://127.0.0.1:${port}`, 5), ['compat', 'compat', 'compat', 'compat', 'compat']);
  assert.equal(count.total, 5);
});

test('http2 over TLS with allowHTTP1: HTTP/2 streams and HTTP/1.1 requests each counted once, the handler added after the watch', async () => {
  const count = new RequestCount();
  const server = http2.createSecureServer({ ...tls, allowHTTP1: true });
  count.watch(server);
  assert.equal(server.listenerCount('request'), 0, 'nothing of ours before the application asks for requests');
  server.on('request', (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => res.end(`v${req.httpVersionMajor}`));
  const port = await listen(server);
  assert.deepEqual(await h2Requests(`https://127.0.0.1:${port}`, 3), ['v2', 'v2', 'v2']);
  assert.deepEqual(await http1Requests(https, port, 2), ['v1', 'v1']);
  assert.equal(count.total, 5);
});

test('servers of other kinds (net, tls) are left alone', () => {
  const count = new RequestCount();
  for (const server of [net.createServer(), tlsServer(tls)]) {
    count.watch(server);
    assert.deepEqual(server.eventNames().filter((e) => e !== 'connection' && e !== 'secureConnection' && e !== 'tlsClientError'), []);
  }
});
