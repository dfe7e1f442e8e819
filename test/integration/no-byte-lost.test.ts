// A client that writes the moment it connects loses no byte across the hand-over.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

function echoRoundTrip(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1');
    // Written before 'connect': the bytes reach the master's socket before any worker has it.
    socket.end(payload);
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

test('8 clients each send 1 MiB at once on connect; every byte comes back in order', async () => {
  const { master, port } = await startMaster({ script: fixture('echo.js'), workers: 2 });
  try {
    const payloads = Array.from({ length: 8 }, () => randomBytes(1024 * 1024));
    const echoed = await Promise.all(payloads.map((p) => echoRoundTrip(port, p)));
    for (let i = 0; i < payloads.length; i++) {
      assert.equal(echoed[i].length, payloads[i].length, `client ${i} length`);
      assert.equal(createHash('sha256').update(echoed[i]).digest('hex'), createHash('sha256').update(payloads[i]).digest('hex'), `client ${i} bytes`);
    }
    await waitFor(() => master.stats.handedOver === 8, 2000, '8 acknowledged hand-overs');
  } finally {
    await master.stop();
  }
});
