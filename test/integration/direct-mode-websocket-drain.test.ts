// Direct mode (workers accept on the shared socket themselves) with 10 WebSockets open on an
// unmodified ws application: a stop closes each with 1001 and every worker exits by itself,
// with --grace at 60 s.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, startMaster } from '../helpers/cluster.js';
import { openWsClients, type WsClient } from '../helpers/ws-clients.js';

test('direct mode: a stop closes 10 ws clients with 1001, exit status 0, no wait for --grace', { timeout: 40000 }, async () => {
  const { master, port } = await startMaster({ script: fixture('ws-app.js'), workers: 2, mode: 'direct', grace: 60000 });
  let clients: WsClient[] = [];
  let stopped: Promise<number> | undefined;
  try {
    clients = await openWsClients(port, 10);
    stopped = master.stop();
    assert.equal(await stopped, 0, 'every worker finished by itself');
    assert.deepEqual(await Promise.all(clients.map((c) => c.firstClose)), clients.map(() => 1001));
    assert.deepEqual(clients.map((c) => c.codes.length), clients.map(() => 1));
  } finally {
    for (const c of clients) c.close();
    await (stopped ?? master.stop());
  }
});
