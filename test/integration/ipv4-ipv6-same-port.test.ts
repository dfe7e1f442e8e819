// The README's listeners "0.0.0.0:P" and "[::]:P" side by side both start ("[::]" binds
// IPv6-only, HAProxy's v6only) and each serves its own family.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { createMaster } from '../../src/index.js';
import { fixture, freePort } from '../helpers/cluster.js';

test('0.0.0.0:P and [::]:P both bind, and connections on 127.0.0.1 and ::1 are served', async () => {
  const port = await freePort();
  const master = createMaster({ script: fixture('echo.js'), workers: 2, grace: 2000, listen: [`0.0.0.0:${port}`, `[::]:${port}`] });
  master.on('error', () => {});
  const listeners = await master.start();
  try {
    await master.whenReady();
    assert.deepEqual(listeners.map((l) => [l.address, l.port]), [['0.0.0.0', port], ['::', port]]);
    for (const host of ['127.0.0.1', '::1']) {
      const socket = new net.Socket();
      const served = new Promise<string>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('connect', () => socket.write('ping\n'));
        socket.setEncoding('utf8');
        socket.on('data', (d: string) => resolve(d));
      });
      socket.connect(port, host);
      assert.match(await served, /ping/, `a connection on ${host}`);
      socket.destroy();
    }
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(master.stats.accepted, [1, 1], 'each family reached its own listener');
  } finally {
    assert.equal(await master.stop(), 0);
  }
});
