// socket.io across a worker restart: 20 clients (polling then websocket, and polling only) are
// connected to 2 workers; one worker is SIGKILLed. Its clients' sessions died with it: socket.io
// reconnects them with a new handshake, which the balancer places, and the master has forgotten
// the dead process's sids. Every client, those of the dead worker included, then gets a hello
// and 5 acknowledged emits again; the other worker's clients keep their sessions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';
import { helloAndEchoes, runClients, summary, type SocketioOptions } from '../helpers/socketio.js';

const CLIENTS = 20;

for (const transports of [['polling', 'websocket'], ['polling']] as const) {
  test(`${transports.join(' then ')}: ${CLIENTS} of ${CLIENTS} clients served again after their worker is killed`, async (t) => {
    const { master, port } = await startMaster({
      script: fixture('socketio-app.js'), workers: 2, listen: undefined, restartDelay: 0,
      listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'http', sticky: { query: 'sid' } } }],
    } as never);
    const options: SocketioOptions = { transports: [...transports] };
    const { results, sockets } = await runClients(port, CLIENTS, { ...options, oneByOne: true });
    try {
      assert.equal(results.filter((r) => r.ok).length, CLIENTS, `before the kill: ${summary(results)}`);
      const victim = master.workers().find((w) => w.id === 1)!;
      const theirs = results.map((r, i) => (r.worker === 1 ? i : -1)).filter((i) => i >= 0);
      assert.ok(theirs.length > 0, 'the killed worker had sessions');
      const learned = master.sessions.size;
      // Each of its clients says hello again once reconnected; the others are not disturbed.
      const again = theirs.map((i) => helloAndEchoes(sockets[i]!, { ...options, timeoutMs: 20000 }, false, true));
      const reconnects = new Map<number, number>();
      sockets.forEach((s, i) => s.io.on('reconnect', () => reconnects.set(i, (reconnects.get(i) ?? 0) + 1)));
      process.kill(victim.pid, 'SIGKILL');
      await waitFor(() => master.workers().some((w) => w.id === 1 && w.pid !== victim.pid && w.state === 'ready'), 20000, 'worker 1 restarted');
      const after = await Promise.all(again);
      assert.equal(after.filter((r) => r.ok).length, theirs.length, `the killed worker's clients: ${summary(after)}`);
      assert.ok(master.sessions.purged >= theirs.length, `sessions purged with the dead process: ${master.sessions.purged} (of ${learned})`);
      // Then all 20 (the other worker's on their old sessions) get 5 more acks.
      const all = await Promise.all(sockets.map((s) => echoes(s)));
      assert.equal(all.filter(Boolean).length, CLIENTS, `acks after the restart: ${all.filter(Boolean).length}/${CLIENTS}`);
      for (let i = 0; i < CLIENTS; i++) if (!theirs.includes(i)) assert.equal(reconnects.get(i) ?? 0, 0, `client ${i} of the living worker reconnected`);
      t.diagnostic(`${theirs.length} sessions on the killed worker, all reconnected and served; ${CLIENTS - theirs.length} kept theirs`);
    } finally {
      for (const s of sockets) s.close();
      await master.stop();
    }
  });
}

async function echoes(s: import('socket.io-client').Socket): Promise<boolean> {
  try {
    for (let i = 0; i < 5; i++) if ((await s.timeout(10000).emitWithAck('echo', i)) !== i) return false;
    return true;
  } catch {
    return false;
  }
}
