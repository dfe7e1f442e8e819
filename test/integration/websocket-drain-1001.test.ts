// An upgraded (WebSocket) connection is the application's: a drain does not end it, and what is
// still open at --grace is cut. An application that closes its WebSockets in onDrain() gives its
// clients a close frame with 1001 (going away), and the worker exits without waiting for --grace.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, startMaster } from '../helpers/cluster.js';

test('onDrain() closes WebSockets with 1001 on shutdown; the worker is not killed at --grace', { timeout: 30000 }, async () => {
  const { master, port } = await startMaster({ script: fixture('websocket-app.js'), workers: 1, grace: 10000 });
  let stopped: Promise<number> | undefined;
  try {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    const closed = new Promise<Buffer>((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks))));
    socket.write('GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    await new Promise<void>((resolve) => {
      const onData = (): void => {
        if (!Buffer.concat(chunks).includes('\r\n\r\n')) return;
        socket.off('data', onData);
        resolve();
      };
      socket.on('data', onData);
    });
    assert.match(Buffer.concat(chunks).toString('latin1'), /^HTTP\/1\.1 101 /);
    const started = Date.now();
    stopped = master.stop();
    const all = await closed;
    const frame = all.subarray(all.indexOf('\r\n\r\n') + 4);
    assert.deepEqual([...frame], [0x88, 0x02, 0x03, 0xe9], 'a close frame with 1001');
    assert.equal(await stopped, 0, 'every worker finished by itself (exit status 0)');
    assert.ok(Date.now() - started < 10000, 'before --grace');
  } finally {
    await (stopped ?? master.stop());
  }
});
