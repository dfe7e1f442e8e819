// Sticky sessions: a cookie's value is hashed onto the group's workers, so 100 connections of one
// key reach one worker while other keys spread; requests without the key are balanced as usual.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import type { Master } from '../../src/index.js';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

let master: Master;
let port: number;

before(async () => {
  ({ master, port } = await startMaster({
    script: fixture('http-app.js'), workers: 3, listen: undefined,
    listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'http', sticky: { cookie: 'sid' } } }],
  } as never));
});
after(async () => { await master.stop(); });

/** One request on a new connection; resolves with the worker id that answered. */
function worker(cookie?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { connection: 'close' };
    if (cookie !== undefined) headers.cookie = cookie;
    http.get({ host: '127.0.0.1', port, path: '/', headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(JSON.parse(body).worker));
    }).on('error', reject);
  });
}

test('100 connections with one sticky cookie all reach one worker', async () => {
  const workers = await Promise.all(Array.from({ length: 100 }, () => worker('theme=dark; sid=user-42')));
  assert.equal(new Set(workers).size, 1, `workers seen: ${[...new Set(workers)]}`);
});

test('different keys spread over the workers, each key staying on its own', async () => {
  const first = new Map<string, number>();
  for (let k = 0; k < 30; k++) first.set(`s${k}`, await worker(`sid=s${k}`));
  assert.equal(new Set(first.values()).size, 3, 'every worker owns some keys');
  for (const [key, w] of first) assert.equal(await worker(`sid=${key}`), w, key);
});

test('without the cookie the group balances round-robin', async () => {
  // Round-robin passes over a worker whose hand-over is still unanswered: the rotation is fixed
  // once every answer is in, which the client's response can overtake on a busy machine (the
  // earlier tests' answers included).
  const answered = (): boolean => master.connections({ state: 'handing-over' }).length === 0 && master.connections({ state: 'queued' }).length === 0;
  await waitFor(answered, 5000, 'the earlier hand-overs to be acknowledged');
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) {
    seen.push(await worker(i % 2 ? 'other=1' : undefined));
    await waitFor(answered, 5000, 'the hand-over to be acknowledged');
  }
  assert.deepEqual(seen.slice(3), seen.slice(0, 3), 'a fixed rotation');
  assert.equal(new Set(seen).size, 3);
});
