// TLS preread: the master reads the ClientHello (without decrypting) and hands the socket over
// with it; an unmodified https server in the worker completes the handshake from those bytes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

const ca = readFileSync(fixture('tls/cert.pem'));

function httpsGet(port: number, alpn?: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', servername: 'localhost', port, ca, agent: false, ALPNProtocols: alpn };
    https.get(options as https.RequestOptions, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

test('HTTPS through a TLS-preread listener: the worker terminates TLS from the bytes the master read', async () => {
  const { master, port } = await startMaster({
    script: fixture('https-app.js'), workers: 2, listen: undefined,
    listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'tls' } }],
  } as never);
  try {
    const bodies = await Promise.all(Array.from({ length: 6 }, (_, i) => httpsGet(port, i % 2 ? ['http/1.1'] : undefined)));
    assert.deepEqual(new Set(bodies), new Set(['1 tls', '2 tls']));
    await waitFor(() => master.stats.handedOver === 6, 2000, '6 acknowledged hand-overs');
    assert.equal(master.stats.droppedTotal, 0);
  } finally {
    await master.stop();
  }
});
