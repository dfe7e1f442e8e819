// A preread that times out answers 408 to an HTTP client that began its head, then closes; a
// client that sent nothing, and a TLS or PROXY listener's client, is only closed.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { createMaster, type Master } from '../../src/index.js';
import { fixture, waitFor } from '../helpers/cluster.js';

const REQUEST_TIMEOUT = 'HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';
let master: Master;
let ports: { http: number; tls: number; proxy: number };

before(async () => {
  master = createMaster({
    script: fixture('http-app.js'), workers: 1, grace: 1000,
    listeners: [
      { listen: '127.0.0.1:0', content: { protocol: 'http', timeout: 300 } },
      { listen: '127.0.0.1:0', content: { protocol: 'tls', timeout: 300 } },
      { listen: '127.0.0.1:0', content: { protocol: 'http', proxy: 'v1', timeout: 300 } },
    ],
  });
  master.on('error', () => {});
  const [http, tls, proxy] = await master.start();
  await master.whenReady();
  ports = { http: http!.port, tls: tls!.port, proxy: proxy!.port };
});
after(async () => { await master.stop(); });

/** Sends `bytes` (maybe none) and resolves with every byte received until the master closes. */
function sendAndWait(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let received = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => { received += d; });
    s.on('error', () => {});
    s.on('close', () => resolve(received));
    if (bytes) s.write(bytes, 'latin1');
  });
}

test('a partial HTTP head gets 408, nothing gets nothing; TLS and PROXY clients are only closed', async () => {
  const before = master.stats.dropped.preread_timeout;
  const [partial, silent, tls, proxyPartial, proxyThenHead] = await Promise.all([
    sendAndWait(ports.http, 'GET /slow HTTP/1.1\r\nHost: x\r\n'),
    sendAndWait(ports.http, ''),
    // The start of a ClientHello record: type 22, version 3.1, length 512.
    sendAndWait(ports.tls, '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'),
    sendAndWait(ports.proxy, 'PROXY TCP4 192.0.2.1 '),
    sendAndWait(ports.proxy, 'PROXY TCP4 192.0.2.1 192.0.2.2 1234 80\r\nGET / HTTP/1.1\r\n'),
  ]);
  assert.equal(partial, REQUEST_TIMEOUT);
  assert.equal(silent, '', 'a client that sent nothing is just closed');
  assert.equal(tls, '', 'TLS: closed without a word');
  assert.equal(proxyPartial, '', 'an unfinished PROXY header: closed without a word');
  assert.equal(proxyThenHead, REQUEST_TIMEOUT, 'a whole PROXY header and part of a head: 408');
  await waitFor(() => master.stats.dropped.preread_timeout === before + 5, 2000, 'every timeout to be counted');
  assert.equal(master.stats.droppedTotal, 5);
  await waitFor(() => master.table.size === 0, 2000, 'the table to empty');
});
