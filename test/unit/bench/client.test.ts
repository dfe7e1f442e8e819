// The benchmark client against small local servers: what it calls a failure, and that a client
// told to stop sends nothing more yet waits for what it has sent.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { describe, it } from 'node:test';
import { runClient } from '../../../bench/client.js';

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

const close = (server: net.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

const next = () => ({ path: '/', kind: 'request' });

describe('bench client', () => {
  it('stop: no request is sent after it, and every request sent before is answered', async () => {
    let received = 0;
    let abort = new AbortController();
    const server = http.createServer((req, res) => {
      if (++received === 40) abort.abort();
      // Answered after the stop, so requests are in flight when the clients stop.
      setTimeout(() => res.end('ok'), 5);
    });
    const port = await listen(server);
    try {
      for (const keepAlive of [false, true]) {
        received = 0;
        abort = new AbortController();
        const samples = await runClient({ port, durationMs: Number.POSITIVE_INFINITY, loops: 4, keepAlive, stop: abort.signal, next });
        // Each of the 4 clients has at most one request on its way when the 40th arrives.
        assert.ok(samples.length >= 40 && samples.length <= 43, `${samples.length} sent`);
        assert.equal(samples.length, received, 'every request sent reached the server');
        assert.deepEqual(samples.filter((s) => !s.ok), []);
      }
      const stopped = new AbortController();
      stopped.abort();
      assert.equal((await runClient({ port, durationMs: 1000, loops: 4, stop: stopped.signal, next })).length, 0);
    } finally {
      server.closeAllConnections();
      await close(server);
    }
  });

  it('kept alive, an answer with Connection: close sends the next request on a new connection, and no request fails', async () => {
    const sockets = new Set<net.Socket>();
    let received = 0;
    const server = http.createServer((req, res) => {
      received++;
      sockets.add(req.socket);
      // Every third answer ends its connection, as a draining worker's do.
      res.setHeader('content-length', 2);
      if (received % 3 === 0) res.setHeader('connection', 'close');
      res.end('ok');
    });
    const port = await listen(server);
    try {
      const samples = await runClient({ port, durationMs: 300, loops: 2, keepAlive: true, next });
      assert.ok(samples.length > 6, String(samples.length));
      assert.deepEqual(samples.filter((s) => !s.ok), []);
      assert.ok(sockets.size > 2 && sockets.size < samples.length, `${sockets.size} connections for ${samples.length} requests`);
    } finally {
      await close(server);
    }
  });

  /**
   * A closed loop that sends exactly one request: stopped as it begins, not by a duration (a
   * 1 ms duration sent nothing when the machine was busy before the loop's first look at it).
   */
  const oneRequest = (): { durationMs: number; stop: AbortSignal; next: typeof next } => {
    const stop = new AbortController();
    return { durationMs: 60_000, stop: stop.signal, next: () => { stop.abort(); return next(); } };
  };

  it('names why a request failed: refused, a status other than 200, closed before a whole answer', async () => {
    const unavailable = http.createServer((req, res) => {
      res.writeHead(503, { 'content-length': 4 });
      res.end('busy');
    });
    const rude = net.createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort')));
    const ports = [await listen(unavailable), await listen(rude)];
    try {
      const why = async (port: number, keepAlive: boolean): Promise<string | undefined> => {
        const [s] = await runClient({ port, loops: 1, keepAlive, ...oneRequest() });
        return s!.error;
      };
      for (const keepAlive of [false, true]) {
        assert.equal(await why(ports[0]!, keepAlive), 'status 503');
        assert.equal(await why(ports[1]!, keepAlive), 'closed');
      }
    } finally {
      await Promise.all([close(unavailable), close(rude)]);
    }
    const gone = net.createServer();
    const port = await listen(gone);
    await close(gone);
    for (const keepAlive of [false, true]) {
      const [s] = await runClient({ port, loops: 1, keepAlive, ...oneRequest() });
      assert.equal(s!.error, 'ECONNREFUSED');
    }
  });
});
