// express-session (its default in-memory store, so a session lives in one worker's memory)
// behind --sticky cookie:connect.sid: the session cookie is created by whichever worker the
// balancer gave the first request; the worker's runtime reads the Set-Cookie as the head is
// written and tells the master, so every later request with the cookie reaches that worker:
// 20 sessions of 6 requests each, every count right, none routed by hash, sessions balanced.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startMaster } from '../helpers/cluster.js';
import { countBy, request } from '../helpers/http-session.js';

const SESSIONS = 20;

for (const workers of [2, 4]) {
  test(`${workers} workers: ${SESSIONS} express sessions keep their worker and their count for 6 requests`, async (t) => {
    const { master, port } = await startMaster({
      script: fixture('session-app.js'), workers, listen: undefined,
      listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'http', sticky: { cookie: 'connect.sid' } } }],
    } as never);
    try {
      // Sessions begin one after another (a burst of simultaneous first requests is spread by
      // round-robin's idle-first rule instead, see workers/pool.ts), then go on all at once.
      const firsts = [];
      for (let i = 0; i < SESSIONS; i++) firsts.push(await request(port, '/count'));
      const sessions = await Promise.all(firsts.map(async (first) => {
        const setCookie = first.headers['set-cookie']?.find((c) => c.startsWith('connect.sid='));
        assert.ok(setCookie, 'a session cookie');
        const cookie = setCookie.split(';')[0]!;
        const counts = [first.body.n];
        for (let i = 0; i < 5; i++) {
          const r = await request(port, '/count', { cookie: `theme=dark; ${cookie}` });
          assert.equal(r.body.worker, first.body.worker, 'the session stays on its worker');
          counts.push(r.body.n);
        }
        return { worker: first.body.worker, counts };
      }));
      for (const s of sessions) assert.deepEqual(s.counts, [1, 2, 3, 4, 5, 6]);
      assert.equal(master.stats.sticky.hash, 0, 'requests with a cookie routed by hash');
      assert.equal(master.stats.sticky.session, SESSIONS * 5);
      // The first requests carry no cookie: round-robin spreads the sessions evenly.
      const spread = countBy(sessions.map((s) => s.worker));
      t.diagnostic(`sessions per worker: ${[...spread].map(([w, n]) => `${w}: ${n}`).join(', ')}`);
      assert.equal(spread.size, workers, `every worker has sessions: ${[...spread]}`);
      for (const [w, n] of spread) assert.equal(n, SESSIONS / workers, `worker ${w} has ${n} of ${SESSIONS}`);
    } finally {
      await master.stop();
    }
  });
}
