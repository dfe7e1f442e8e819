// Content-aware hand-over, the byte-exact part: the master reads the request head, hands the
// socket over with those bytes, and the application sees every byte in order.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, test } from 'node:test';
import type { Master } from '../../src/index.js';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

let master: Master;
let port: number;

before(async () => {
  ({ master, port } = await startMaster({
    script: fixture('content-echo-app.js'), workers: 2, listen: undefined,
    listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'http', timeout: 400 } }],
  } as never));
});
after(async () => { await master.stop(); });

/** Sends `parts` with `gapMs` between them; resolves with everything the server sent back. */
function exchange(parts: Buffer[], gapMs = 0, end = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (d) => { out += d; });
    s.on('close', () => resolve(out));
    s.on('error', reject);
    void (async () => {
      for (let i = 0; i < parts.length; i++) {
        if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
        s.write(parts[i]);
      }
      if (end) s.end();
    })();
  });
}

const bodyOf = (response: string): any => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));

test('a request head split over 3 writes 50 ms apart arrives whole', async () => {
  const head = 'GET /split/path?q=1 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n';
  const res = await exchange([Buffer.from(head.slice(0, 10)), Buffer.from(head.slice(10, 40)), Buffer.from(head.slice(40))], 50);
  assert.match(res, /^HTTP\/1\.1 200 OK/);
  assert.deepEqual([bodyOf(res).method, bodyOf(res).path, bodyOf(res).length], ['GET', '/split/path?q=1', 0]);
});

test('a 1 MiB POST body sent right after the head arrives intact', async () => {
  const body = randomBytes(1024 * 1024);
  const head = Buffer.from(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
  const res = await exchange([Buffer.concat([head, body])]);
  assert.equal(bodyOf(res).length, body.length);
  assert.equal(bodyOf(res).sha, createHash('sha256').update(body).digest('hex'));
});

test('pipelined requests in one write all arrive, in order, on one worker', async () => {
  const req = (p: string, last = false): string => `GET ${p} HTTP/1.1\r\nHost: x\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;
  const res = await exchange([Buffer.from(req('/one') + req('/two') + req('/three', true))]);
  const bodies = [...res.matchAll(/\r\n\r\n(\{[^}]*\})/g)].map((m) => JSON.parse(m[1]));
  assert.deepEqual(bodies.map((b) => b.path), ['/one', '/two', '/three']);
  assert.equal(new Set(bodies.map((b) => b.worker)).size, 1, 'keep-alive requests stay with the first worker');
});

test('a client that sends its request and then its FIN still gets the answer', async () => {
  const res = await exchange([Buffer.from('GET /half HTTP/1.1\r\nHost: x\r\n\r\n')], 0, true);
  assert.equal(bodyOf(res).path, '/half');
});

test('a client that sends too little too slowly is cut at the time limit, and counted', async () => {
  const before = master.stats.dropped.preread_timeout;
  const started = Date.now();
  const res = await exchange([Buffer.from('GET / HTTP/1.1\r\n'), Buffer.from('Host: x\r\n')], 100);
  const took = Date.now() - started;
  assert.equal(res, 'HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', 'the master says why');
  assert.ok(took >= 350 && took < 2000, `closed after ${took} ms (limit 400)`);
  await waitFor(() => master.stats.dropped.preread_timeout === before + 1, 1000, 'the preread timeout to be counted');
});

test('bytes that cannot be HTTP are handed over at once, untouched', async () => {
  const res = await exchange([Buffer.from('\x16\x03\x01 not http at all\r\n\r\n')], 0, true);
  assert.match(res, /^HTTP\/1\.1 400 Bad Request/, 'the application, not the master, answers');
});
