// An unmodified https server in each worker: TLS is terminated by the worker, the master never decrypts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { test } from 'node:test';
import { fixture, startMaster } from '../helpers/cluster.js';

const ca = readFileSync(fixture('tls/cert.pem'));

function httpsGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', servername: 'localhost', port, ca, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

test('20 HTTPS requests through 2 workers verify the certificate and reach both', async () => {
  const { master, port } = await startMaster({ script: fixture('https-app.js'), workers: 2 });
  try {
    const bodies = await Promise.all(Array.from({ length: 20 }, () => httpsGet(port)));
    assert.equal(bodies.filter((b) => b === '1 tls').length, 10);
    assert.equal(bodies.filter((b) => b === '2 tls').length, 10);
  } finally {
    await master.stop();
  }
});
