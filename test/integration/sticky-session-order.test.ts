// The race a learned session must win: the worker hands out a session key (here a plain
// header, --sticky header:x-session) and the client comes back with it at once, on a new
// connection. The worker's report of the key leaves on the IPC pipe before its answer does, and
// the master handles the readable pipe before it reads the new connection's first bytes; were
// the order wrong, the request would find its key unknown and be routed by hash, which the
// master counts. 300 sessions in 10 lanes: none may be counted so, and every second request
// must reach the worker that made its key. A key no worker made is counted (the count works).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMasterMetrics } from '../../src/index.js';
import { fixture, startMaster } from '../helpers/cluster.js';
import { countBy, request } from '../helpers/http-session.js';

const SESSIONS = 300;
const LANES = 10;

test(`${SESSIONS} header sessions: the next request, sent the moment the key arrives, finds it known every time`, async (t) => {
  const { master, port } = await startMaster({
    script: fixture('session-app.js'), workers: 2, listen: undefined,
    listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'http', sticky: { header: 'x-session' } } }],
  } as never);
  try {
    const makers: number[] = [];
    let wrong = 0;
    await Promise.all(Array.from({ length: LANES }, async () => {
      for (let i = 0; i < SESSIONS / LANES; i++) {
        const first = await request(port, '/token');
        const key = first.headers['x-session'] as string;
        const again = await request(port, '/token-check', { 'x-session': key });
        makers.push(first.body.worker);
        if (again.body.worker !== first.body.worker || again.body.known !== true) wrong++;
      }
    }));
    const spread = countBy(makers);
    t.diagnostic(`keyed requests by session ${master.stats.sticky.session}, by hash ${master.stats.sticky.hash}; sessions per worker ${[...spread].map(([w, n]) => `${w}: ${n}`).join(', ')}`);
    assert.equal(master.stats.sticky.hash, 0, 'requests that arrived before their key was known');
    assert.equal(master.stats.sticky.session, SESSIONS);
    assert.equal(wrong, 0, 'second requests that missed the worker holding their session');
    assert.equal(spread.size, 2, 'sessions are made on both workers');
    // A key that no worker made: hashed, and counted as such.
    await request(port, '/token-check', { 'x-session': 'made-up' });
    assert.equal(master.stats.sticky.hash, 1);
    const metrics = createMasterMetrics(master);
    const text = await metrics.registry.metrics();
    metrics.close();
    assert.match(text, new RegExp(`^portplex_sticky_routed_total\\{by="session"\\} ${SESSIONS}$`, 'm'));
    assert.match(text, /^portplex_sticky_routed_total\{by="hash"\} 1$/m);
    assert.match(text, new RegExp(`^portplex_sticky_sessions ${SESSIONS}$`, 'm'));
  } finally {
    await master.stop();
  }
});
