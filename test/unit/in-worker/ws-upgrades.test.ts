// Pins what in-worker/ws-upgrades.ts relies on of the installed ws: its server module's path and
// export, found in the module cache for require() and for an ESM import alike; handleUpgrade's
// callback getting the open WebSocket; close(code, reason) reaching the client; and the 30 s
// close timeout that in-worker/websockets.ts does not wait for.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { trackWsUpgrades, wsServerClass, type WsSocket } from '../../../src/in-worker/ws-upgrades.js';

const require = createRequire(import.meta.url);

describe('ws WebSocketServer', () => {
  it('is found in the loaded modules as lib/websocket-server.js, the class both require() and import give', () => {
    const found = Object.values(require.cache).filter((m) => m && wsServerClass(m.filename, m.exports));
    assert.equal(found.length, 1, 'one ws server module');
    assert.equal(found[0]!.exports, WebSocketServer, 'the ESM import (wrapper.mjs) is the CommonJS build');
    assert.equal((require('ws') as { WebSocketServer: unknown }).WebSocketServer, WebSocketServer);
  });

  it('has the WHATWG readyState values and a 30 s close timeout by default', () => {
    assert.deepEqual([WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED], [0, 1, 2, 3]);
    const wss = new WebSocketServer({ noServer: true });
    assert.equal((wss.options as { closeTimeout?: number }).closeTimeout ?? 30000, 30000);
    wss.close();
  });

  it('reports each WebSocket its handleUpgrade opens, after the application has it, once wrapped', { timeout: 10000 }, async () => {
    const order: string[] = [];
    const seen: WsSocket[] = [];
    assert.equal(trackWsUpgrades((ws) => { order.push(`opened ${ws.readyState}`); seen.push(ws); }), 1);
    assert.equal(trackWsUpgrades(() => {}), 0, 'wrapped once');
    // ws's own `server` option, and a noServer one whose handleUpgrade the application calls.
    const a = http.createServer();
    const attached = new WebSocketServer({ server: a });
    attached.on('connection', () => order.push('app a'));
    const b = http.createServer();
    const manual = new WebSocketServer({ noServer: true });
    b.on('upgrade', (req, socket, head) => {
      manual.handleUpgrade(req, socket, head, () => order.push('app b'));
    });
    const ports: number[] = [];
    for (const server of [a, b]) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      ports.push((server.address() as AddressInfo).port);
    }
    try {
      for (const [i, port] of ports.entries()) {
        const client = new WebSocket(`ws://127.0.0.1:${port}/`);
        const closed = new Promise<number>((resolve) => client.once('close', resolve));
        // The server called back in the same turn it wrote the 101 the client has read.
        await new Promise((resolve) => client.once('open', resolve));
        assert.equal(seen.length, i + 1);
        seen[i]!.close(1001, 'going away');
        assert.equal(await closed, 1001);
      }
      assert.deepEqual(order, ['app a', 'opened 1', 'app b', 'opened 1']);
      assert.equal(typeof seen[0]!.terminate, 'function');
    } finally {
      attached.close();
      a.close();
      b.close();
    }
  });
});
