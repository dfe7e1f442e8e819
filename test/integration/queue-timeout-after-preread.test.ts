// A connection's queue time starts when it enters the queue, not at accept: a client that took
// longer than --queue-timeout to send its head, then waits for a full worker, is served.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

const QUEUE_TIMEOUT = 1000;

/** A client on a raw socket: what it received, and whether it was closed. */
function client(port: number): { socket: net.Socket; received: () => string; closed: () => boolean; connected: Promise<unknown> } {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  let closed = false;
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => { received += d; });
  socket.on('error', () => {});
  socket.on('close', () => { closed = true; });
  return { socket, received: () => received, closed: () => closed, connected: new Promise((r) => socket.once('connect', r)) };
}

test('a slow head read for longer than the queue timeout still gets its full queue time', async () => {
  // handoffTimeout 200: the queue is checked every 50 ms, so an expiry would come at once.
  const { master, port } = await startMaster({
    script: fixture('http-app.js'), workers: 1, maxConnections: 1, queueTimeout: QUEUE_TIMEOUT, handoffTimeout: 200, listen: undefined,
    listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'http', timeout: 10_000 } }],
  } as never);
  try {
    // A kept-alive connection: the worker is full while it stays open.
    const a = client(port);
    a.socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => a.received().includes('"path":"/a"'), 3000, 'the first client to be served');

    // The slow client: its head takes 1.5 queue timeouts to arrive, in three parts.
    const c = client(port);
    await c.connected;
    for (const part of ['GET /c HTTP/1.1\r\n', 'Host: x\r\n', '\r\n']) {
      c.socket.write(part);
      await new Promise((r) => setTimeout(r, QUEUE_TIMEOUT / 2));
    }
    // Read, then queued behind the full worker: it waits there now, several queue checks long.
    await waitFor(() => master.connections({ state: 'queued' }).length === 1, 2000, 'the slow client to be queued');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(c.closed(), false, 'the slow client was not closed by the queue timeout');
    assert.equal(master.stats.dropped.queue_timeout, 0);

    a.socket.destroy();
    await waitFor(() => c.received().includes('"path":"/c"'), 3000, 'the slow client to be served');
    assert.match(c.received(), /^HTTP\/1\.1 200 /);
    assert.equal(master.stats.droppedTotal, 0);
    c.socket.destroy();
  } finally {
    await master.stop();
  }
});
