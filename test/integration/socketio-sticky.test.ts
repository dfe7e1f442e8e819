// socket.io's default setup behind portplex with --sticky query:sid: the real socket.io server
// (unmodified app) and real socket.io-client clients, 20 at once, polling only and polling then
// websocket, on 2 and 4 workers. Each must get its hello and 5 acknowledged emits: every request
// of a session reaches the worker that created it, because that worker told the master the sid
// before its handshake answer left. New sessions still spread by the group's balancer.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Master } from '../../src/index.js';
import { fixture, startMaster } from '../helpers/cluster.js';
import { perWorker, runClients, summary, type SocketioOptions } from '../helpers/socketio.js';

const CLIENTS = 20;

for (const workers of [2, 4]) {
  describe(`${workers} workers`, () => {
    let master: Master | undefined;
    let port = 0;
    afterEach(async () => {
      await master?.stop();
      master = undefined;
    });

    for (const [name, transports] of [['polling only', ['polling']], ['polling then websocket', ['polling', 'websocket']]] as const) {
      test(`${name}: ${CLIENTS} of ${CLIENTS} clients get their hello and 5 acks`, async (t) => {
        ({ master, port } = await startMaster({
          script: fixture('socketio-app.js'), workers, listen: undefined,
          listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'http', sticky: { query: 'sid' } } }],
        } as never));
        const before = { ...master.stats.sticky };
        const options: SocketioOptions = { transports: [...transports] };
        const { results, sockets } = await runClients(port, CLIENTS, { ...options, oneByOne: true });
        for (const s of sockets) s.close();
        t.diagnostic(`${summary(results)}; sessions per worker: ${[...perWorker(results)].map(([w, n]) => `${w}: ${n}`).join(', ')}`);
        assert.equal(results.filter((r) => r.ok).length, CLIENTS, summary(results));
        if (transports.length === 2) assert.ok(results.every((r) => r.transport === 'websocket'), 'every client upgraded');
        // Every request that carried a sid found it in the session table: none was hashed.
        assert.equal(master.stats.sticky.hash - before.hash, 0, 'requests routed by hash');
        assert.ok(master.stats.sticky.session - before.session >= CLIENTS, `requests routed to their session: ${master.stats.sticky.session - before.session}`);
        // The handshakes, which carry no sid, were balanced by the group's algorithm (round-robin).
        // Begun one after another they are spread evenly, but not exactly: the earlier sessions'
        // requests are being handed over meanwhile, and round-robin passes over a worker with a
        // hand-over in flight (workers/pool.ts). Every worker gets at least half its share.
        const spread = perWorker(results);
        assert.equal(spread.size, workers, `sessions per worker: ${[...spread]}`);
        for (const [w, n] of spread) assert.ok(n >= CLIENTS / workers / 2, `worker ${w} has ${n} sessions of ${CLIENTS}: ${[...spread]}`);
      });
    }
  });
}
