// A worker dies holding connections it took: the one it never read from is still whole (the
// master kept its copy) and another worker serves it, every byte; the one it had read from is
// cut, and counted so.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** Everything the server sends until the connection closes. */
function reply(s: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    s.setEncoding('utf8').on('data', (d: string) => (out += d));
    s.on('close', () => resolve(out));
    s.on('error', () => {});
  });
}

test('a killed worker: what it took and never read is served whole by another worker; what it read is cut', async () => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 2, restartDelay: 50 });
  try {
    const sockets = [await connect(port), await connect(port), await connect(port)];
    await waitFor(() => master.stats.handedOver === 3, 5000, 'three silent connections taken');
    assert.equal(master.heldConnections, 3, 'the master keeps a copy of each until its worker reads from it');
    // The worker holding two of them: one gets a request it will not have answered, one stays silent.
    const byPort = new Map(master.connections().map((c) => [c.clientPort, c.worker]));
    const counts = new Map<number, number>();
    for (const w of byPort.values()) counts.set(w, (counts.get(w) ?? 0) + 1);
    const victimId = [...counts].find(([, n]) => n === 2)![0];
    const [begun, unread] = sockets.filter((s) => byPort.get(s.localPort!) === victimId) as [net.Socket, net.Socket];
    const cutReply = reply(begun);
    const unreadReply = reply(unread);
    begun.write('GET /slow?ms=60000 HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => master.heldConnections === 2, 5000, 'the first-read report to close the master\'s copy');
    const victim = master.workers().find((w) => w.id === victimId)!;
    process.kill(victim.pid, 'SIGKILL');
    await waitFor(() => master.stats.rescued === 1, 5000, 'the unread connection rescued');
    assert.equal(await cutReply, '', 'the request the dead worker had read gets no answer');
    assert.equal(master.stats.cut, 1);
    unread.end('GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const text = await unreadReply;
    assert.match(text, /^HTTP\/1\.1 200/);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { worker: number; path: string };
    assert.equal(body.path, '/after', 'every byte reached the worker that served it');
    assert.notEqual(body.worker, victimId);
    assert.equal(master.stats.droppedTotal, 0);
    for (const s of sockets) s.destroy();
  } finally {
    await master.stop();
  }
});
