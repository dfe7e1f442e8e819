// A listener with onInvalid "close": a head that cannot be parsed is closed unserved and counted,
// by reason; a good one on the same listener is served.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import type { Master } from '../../src/index.js';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

let master: Master;
let port: number;

before(async () => {
  ({ master, port } = await startMaster({
    script: fixture('http-app.js'), workers: 2, listen: undefined,
    listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'http', onInvalid: 'close', maxBytes: 1024 } }],
  } as never));
});
after(async () => { await master.stop(); });

function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (d) => { out += d; });
    s.on('close', () => resolve(out));
    s.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve(out) : reject(err)));
    s.write(bytes);
  });
}

test('malformed, oversized and TLS bytes are closed unserved, each counted by reason', async () => {
  assert.equal(await raw('GET /x HTTP/1.1\r\nHost: a\r\nBad Header: 1\r\n\r\n'), '');
  assert.equal(await raw(`GET /x HTTP/1.1\r\nHost: a\r\nX-Big: ${'y'.repeat(2000)}\r\n\r\n`), '');
  assert.equal(await raw('\x16\x03\x01\x00\x05hello'), '');
  await waitFor(() => master.stats.dropped.content_invalid === 3, 2000, 'three drops');
  assert.deepEqual(Object.fromEntries(master.stats.contentInvalid[0]), { 'space-before-colon': 1, 'too-large': 1, 'not-http': 1 });
  assert.equal(master.stats.handedOver, 0);
  assert.equal(master.table.size, 0, 'no record left behind');
});

test('a well-formed head on the same listener is served', async () => {
  const ok = await raw('GET /fine HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
  assert.match(ok, /^HTTP\/1\.1 200 OK/);
  assert.match(ok, /"path":"\/fine"/);
});
