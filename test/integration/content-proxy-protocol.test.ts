// PROXY protocol v1 and v2: the header is parsed and stripped, and the real client shows in the
// connection table and in the application's socket; a missing or invalid header closes, counted.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import type { Master } from '../../src/index.js';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

let master: Master;
let port: number;

before(async () => {
  ({ master, port } = await startMaster({
    script: fixture('peer-app.js'), workers: 2, listen: undefined,
    listeners: [{ listen: '127.0.0.1:0', content: { proxy: 'any', protocol: 'http', timeout: 1000 } }],
  } as never));
});
after(async () => { await master.stop(); });

/** Sends `bytes`, reads one HTTP response; `hold` keeps the socket open and returns it. */
function request(bytes: Buffer): Promise<{ body: string; socket: net.Socket; closedEarly: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    s.setEncoding('utf8');
    s.on('error', () => {});
    s.on('data', (d) => {
      out += d;
      const i = out.indexOf('\r\n\r\n');
      if (i >= 0 && out.length > i + 4 && out.trimEnd().endsWith('}')) resolve({ body: out.slice(i + 4), socket: s, closedEarly: false });
    });
    s.on('close', () => resolve({ body: out, socket: s, closedEarly: true }));
    s.write(bytes);
  });
}

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

function v2Header(src: string, srcPort: number, dst: string, dstPort: number): Buffer {
  const sig = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
  const block = Buffer.alloc(12);
  src.split('.').forEach((o, i) => block.writeUInt8(Number(o), i));
  dst.split('.').forEach((o, i) => block.writeUInt8(Number(o), 4 + i));
  block.writeUInt16BE(srcPort, 8);
  block.writeUInt16BE(dstPort, 10);
  return Buffer.concat([sig, Buffer.from([0x21, 0x11, 0x00, 12]), block]);
}

test('PROXY v1: the application and the connection table see the real client', async () => {
  const r = await request(Buffer.from(`PROXY TCP4 203.0.113.7 192.0.2.1 56324 443\r\n${get('/v1')}`));
  assert.deepEqual(JSON.parse(r.body), { address: '203.0.113.7', port: 56324, family: 'IPv4', path: '/v1', given: true });
  // Established once the worker's ack arrives (acks are batched within a few ms).
  await waitFor(() => master.connections().some((c) => c.clientAddress === '203.0.113.7' && c.state === 'established'), 2000, 'the record');
  const rec = master.connections().find((c) => c.clientAddress === '203.0.113.7')!;
  assert.deepEqual([rec.clientPort, rec.state], [56324, 'established']);
  assert.equal(master.table.lookup('tcp', '203.0.113.7', 56324, 0), rec.id, 'found by the real 4-tuple');
  r.socket.destroy();
});

test('PROXY v2 (binary): stripped, and the real client is seen', async () => {
  const r = await request(Buffer.concat([v2Header('198.51.100.9', 40000, '192.0.2.1', 443), Buffer.from(get('/v2'))]));
  assert.deepEqual(JSON.parse(r.body), { address: '198.51.100.9', port: 40000, family: 'IPv4', path: '/v2', given: true });
  r.socket.destroy();
});

test('an invalid PROXY header, or none at all, closes the connection and is counted', async () => {
  const before = master.stats.dropped.proxy_invalid;
  const bad = await request(Buffer.from(`PROXY TCP4 999.1.1.1 192.0.2.1 1 2\r\n${get('/bad')}`));
  assert.equal(bad.closedEarly, true);
  assert.equal(bad.body, '');
  const none = await request(Buffer.from(get('/none')));
  assert.equal(none.closedEarly, true, 'a listener that expects PROXY never guesses');
  assert.equal(master.stats.dropped.proxy_invalid, before + 2);
});
