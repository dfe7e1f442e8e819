// Draining a worker (weight 0) with sticky sessions: it gets no new session, and the sessions it
// holds go on there (their count keeps rising), as with HAProxy's persistence; undrained, it
// takes new sessions again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startMaster } from '../helpers/cluster.js';
import { countBy, request } from '../helpers/http-session.js';

test('a drained worker keeps its express sessions and gets no new one', async () => {
  const { master, port } = await startMaster({
    script: fixture('session-app.js'), workers: 2, listen: undefined,
    listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'http', sticky: { cookie: 'connect.sid' } } }],
  } as never);
  try {
    const begin = async (): Promise<{ worker: number; cookie: string }> => {
      const r = await request(port, '/count');
      return { worker: r.body.worker, cookie: r.headers['set-cookie']!.find((c) => c.startsWith('connect.sid='))!.split(';')[0]! };
    };
    const old = [];
    for (let i = 0; i < 6; i++) old.push(await begin());
    assert.deepEqual([...countBy(old.map((s) => s.worker))].sort(), [[1, 3], [2, 3]]);
    master.drain(1);
    const fresh = [];
    for (let i = 0; i < 6; i++) fresh.push(await begin());
    assert.deepEqual([...countBy(fresh.map((s) => s.worker))], [[2, 6]], 'new sessions avoid the drained worker');
    for (const s of old) {
      const r = await request(port, '/count', { cookie: s.cookie });
      assert.deepEqual([r.body.worker, r.body.n], [s.worker, 2], 'an open session goes on where it lives');
    }
    assert.equal(master.stats.sticky.hash, 0);
    master.undrain(1);
    const later = [];
    for (let i = 0; i < 4; i++) later.push(await begin());
    assert.ok(later.some((s) => s.worker === 1), 'undrained, it takes new sessions');
  } finally {
    await master.stop();
  }
});
