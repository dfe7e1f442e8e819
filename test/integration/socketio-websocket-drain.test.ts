// A reload under 10 socket.io clients on the websocket transport only, the application
// unmodified (CommonJS, no onDrain): engine.io's WebSockets (the ws package underneath) are
// closed by the draining processes, each client sees a server-side close of its transport
// ('transport close', not a ping timeout) and reconnects to a new process, and the old processes
// exit at once, with --grace at 60 s.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alive, fixture, startMaster, waitFor } from '../helpers/cluster.js';
import { connect } from '../helpers/socketio.js';

const CLIENTS = 10;

test('socket.io websocket transport through a reload: transport close, reconnect to a new process, no wait for --grace', { timeout: 40000 }, async () => {
  const { master, port } = await startMaster({ script: fixture('socketio-app.cjs'), workers: 2, grace: 60000 });
  const sockets = Array.from({ length: CLIENTS }, () => connect(port, { transports: ['websocket'] }));
  try {
    const hellos = sockets.map(() => [] as number[]);
    const reasons = sockets.map(() => [] as string[]);
    sockets.forEach((s, i) => {
      s.on('hello', (h: { pid: number }) => hellos[i]!.push(h.pid));
      s.on('disconnect', (reason: string) => reasons[i]!.push(reason));
    });
    await waitFor(() => hellos.every((h) => h.length === 1), 10000, 'every client greeted');
    const oldPids = new Set(master.workers().map((w) => w.pid));
    assert.deepEqual(new Set(hellos.map((h) => h[0])), oldPids, 'both workers hold sessions');
    const result = await master.reload();
    assert.deepEqual(result, { replaced: [1, 2] });
    await waitFor(() => [...oldPids].every((p) => !alive(p)), 20000, `the old processes (${[...oldPids]}) to exit`);
    await waitFor(() => sockets.every((s, i) => s.connected && !oldPids.has(hellos[i]!.at(-1)!)), 20000, 'every client greeted by a new process');
    for (const [i, r] of reasons.entries()) {
      assert.ok(r.length >= 1 && r.length <= 2, `disconnects: ${r}`);
      assert.deepEqual(r, r.map(() => 'transport close'), 'closed by the server, not timed out');
      // A reconnect that lands on the other old process may be closed by its drain before its
      // greeting is flushed: then a close has no session after it, but never more sessions than
      // closes + 1, and the last one is a new process's (waited for above).
      assert.ok(hellos[i]!.length >= 2 && hellos[i]!.length <= r.length + 1, `sessions ${hellos[i]} after closes ${r}`);
    }
    for (const s of sockets) assert.equal(await s.timeout(5000).emitWithAck('echo', 7), 7);
  } finally {
    for (const s of sockets) s.close();
    await master.stop();
  }
});
