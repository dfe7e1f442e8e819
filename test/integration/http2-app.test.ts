// An unmodified HTTP/2 server in each worker; streams on one connection stay with its worker.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { test } from 'node:test';
import { fixture, startMaster } from '../helpers/cluster.js';

function h2get(session: http2.ClientHttp2Session): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': '/' });
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

test('HTTP/2 sessions are spread over workers; all streams of a session stay on its worker', async () => {
  const { master, port } = await startMaster({ script: fixture('h2c-app.js'), workers: 2 });
  try {
    const sessions = [http2.connect(`http://127.0.0.1:${port}`), http2.connect(`http://127.0.0.1:${port}`)];
    const bodies = await Promise.all(sessions.map(async (s) => [await h2get(s), await h2get(s), await h2get(s)]));
    for (const s of sessions) s.close();
    for (const perSession of bodies) assert.equal(new Set(perSession).size, 1, `one worker per session: ${perSession}`);
    assert.deepEqual(new Set(bodies.map((b) => b[0])), new Set(['h2 1', 'h2 2']));
  } finally {
    await master.stop();
  }
});
