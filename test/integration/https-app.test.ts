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
    // Concurrent handshakes: an idle worker is preferred to one still answering, so the split
    // follows how fast each takes its connections, not strict turns.
    const one = bodies.filter((b) => b === '1 tls').length;
    const two = bodies.filter((b) => b === '2 tls').length;
    assert.equal(one + two, 20, bodies.join(', '));
    assert.ok(one > 0 && two > 0, `both workers reached: ${one} and ${two}`);
  } finally {
    await master.stop();
  }
});
