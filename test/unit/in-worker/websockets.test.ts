// The drain's goodbye to the ws package's WebSockets, with real ws servers and clients: every
// open one gets 1001, one the application closed itself keeps its code, one opened during the
// drain is closed at once, and a client that never answers the close frame is cut after the
// bounded wait, not ws's own 30 s.
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { WebSockets } from '../../../src/in-worker/websockets.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** A client that completes the handshake and then never answers: resolves its bytes after the 101 once its connection ends. */
function silentClient(port: number): { upgraded: Promise<void>; ended: Promise<Buffer> } {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => {});
  socket.write(`GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  const upgraded = new Promise<void>((resolve) => {
    const onData = (): void => {
      if (!Buffer.concat(chunks).includes('\r\n\r\n')) return;
      socket.off('data', onData);
      resolve();
    };
    socket.on('data', onData);
  });
  const ended = new Promise<Buffer>((resolve) => socket.on('close', () => {
    const all = Buffer.concat(chunks);
    resolve(all.subarray(all.indexOf('\r\n\r\n') + 4));
  }));
  return { upgraded, ended };
}

function open(port: number): Promise<{ client: WebSocket; closed: Promise<number> }> {
  const client = new WebSocket(`ws://127.0.0.1:${port}/`);
  const closed = new Promise<number>((resolve) => client.once('close', resolve));
  return new Promise((resolve, reject) => {
    client.once('open', () => resolve({ client, closed }));
    client.once('error', reject);
  });
}

describe('WebSockets on a drain', () => {
  it('closes every open one with 1001, keeps an application close, closes late ones, cuts a silent client', { timeout: 10000 }, async () => {
    const websockets = new WebSockets(60000);
    const server = http.createServer();
    const wss = new WebSocketServer({ server });
    // What the application does with them: nothing, except close one itself with its own code.
    const serverSide: WebSocket[] = [];
    wss.on('connection', (ws) => serverSide.push(ws));
    websockets.watch();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const clients = await Promise.all([open(port), open(port), open(port)]);
      const silent = silentClient(port);
      await silent.upgraded;
      assert.equal(websockets.size, 4);
      serverSide[0]!.close(4000, 'mine');
      const started = Date.now();
      websockets.goingAway();
      const late = await open(port);
      const codes = await Promise.all([...clients, late].map((c) => c.closed));
      assert.deepEqual(codes, [4000, 1001, 1001, 1001]);
      const frame = await silent.ended;
      assert.deepEqual([...frame], [0x88, 12, 0x03, 0xe9, ...Buffer.from('going away')], 'a close frame with 1001, then the end');
      // ws alone would wait 30 s for the silent client's close frame (its closeTimeout).
      assert.ok(Date.now() - started < 5000, `ended after ${Date.now() - started} ms`);
      await Promise.all(serverSide.map((ws) => ws.readyState === WebSocket.CLOSED || new Promise((resolve) => ws.once('close', resolve))));
      assert.equal(websockets.size, 0, 'each forgotten on its close');
    } finally {
      wss.close();
      server.close();
    }
  });
});
