// The worker's socket reports the real client, told by the master in the hand-over.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, startMaster } from '../helpers/cluster.js';

/** One request on a fresh connection from `family`'s loopback; the app's answer and our local port. */
async function ask(port: number, host: string): Promise<{ seen: Record<string, unknown>; localPort: number }> {
  const socket = net.connect(port, host);
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const localPort = socket.localPort!;
  socket.end('GET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  let text = '';
  socket.setEncoding('latin1');
  for await (const chunk of socket) text += chunk;
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  return { seen: JSON.parse(body) as Record<string, unknown>, localPort };
}

test('remoteAddress, remotePort and remoteFamily in the worker are the client, given by the master', async () => {
  const { master, port } = await startMaster({ script: fixture('peer-app.js'), workers: 2 });
  try {
    for (let i = 0; i < 4; i++) {
      const { seen, localPort } = await ask(port, '127.0.0.1');
      assert.deepEqual(seen, { address: '127.0.0.1', port: localPort, family: 'IPv4', path: '/who', given: true });
    }
  } finally {
    assert.equal(await master.stop(), 0);
  }
});

test('an IPv6 client on a dual-stack listener is reported as IPv6', async (t) => {
  const probe = net.createServer();
  const v6 = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => { probe.close(); resolve(true); });
  });
  if (!v6) return t.skip('no IPv6 loopback on this machine');
  const { master, port } = await startMaster({ script: fixture('peer-app.js'), workers: 1, listen: '[::]:0' });
  try {
    const { seen, localPort } = await ask(port, '::1');
    assert.deepEqual(seen, { address: '::1', port: localPort, family: 'IPv6', path: '/who', given: true });
    const mapped = await ask(port, '127.0.0.1');
    assert.deepEqual(mapped.seen, { address: '::ffff:127.0.0.1', port: mapped.localPort, family: 'IPv6', path: '/who', given: true });
  } finally {
    assert.equal(await master.stop(), 0);
  }
});
