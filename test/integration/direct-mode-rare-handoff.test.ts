// Direct mode with routing rules (the patent's rare hand-over): the worker that accepted reads
// the request head; what its rules send to its own group it serves, the rest it hands back
// through the master with the bytes read, and the other group's worker sees every byte.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, before, test } from 'node:test';
import type { Master } from '../../src/index.js';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

let master: Master;
let port: number;

before(async () => {
  ({ master, port } = await startMaster({
    script: fixture('content-echo-app.js'), listen: undefined, mode: 'direct',
    groups: { web: { workers: 2 }, api: { workers: 1 } },
    listeners: [{ listen: '127.0.0.1:0', group: 'web', content: { protocol: 'http', rules: [{ group: 'api', path: '/api/' }] } }],
  } as never));
});
after(async () => { await master.stop(); });

function send(method: string, path: string, body?: Buffer): Promise<{ worker: number; method: string; path: string; length: number; sha: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('the web group serves its own requests directly; /api/ requests are handed back to the api group', async () => {
  const web = await Promise.all(Array.from({ length: 8 }, (_, i) => send('GET', `/page/${i}`)));
  assert.ok(web.every((r) => r.worker === 1 || r.worker === 2), JSON.stringify(web.map((r) => r.worker)));
  assert.equal(master.stats.forwarded, 0);
  assert.equal(master.stats.handedOver, 0, 'nothing went through the master');

  const api = await Promise.all(Array.from({ length: 6 }, (_, i) => send('GET', `/api/item/${i}`)));
  assert.deepEqual(api.map((r) => r.worker), new Array(6).fill(3));
  assert.deepEqual(api.map((r) => r.path).sort(), Array.from({ length: 6 }, (_, i) => `/api/item/${i}`).sort());
  await waitFor(() => master.stats.handedOver === 6, 2000, 'six hand-overs acknowledged');
  assert.equal(master.stats.forwarded, 6, 'each handed back once');
  assert.deepEqual(master.routed().map((r) => [r.group, r.connections]), [['web', 0], ['api', 6]]);
});

test('a 256 KiB POST sent with the head reaches the api worker intact', async () => {
  const body = randomBytes(256 * 1024);
  const r = await send('POST', '/api/upload', body);
  assert.equal(r.worker, 3);
  assert.equal(r.length, body.length);
  assert.equal(r.sha, createHash('sha256').update(body).digest('hex'));
});
