// Socket activation, UDP: a datagram socket systemd passed (ListenDatagram=) is served by the
// workers' unmodified dgram sockets; the datagram that made systemd start the master waits in the
// socket's buffer until the workers are ready, and is answered.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, fixture, portplex, waitFor } from '../helpers/cluster.js';
import { freeUdpPort, socketActivate } from '../helpers/socket-activate.js';
import { UdpClient } from '../helpers/udp.js';

test('an activated UDP socket is served, its first datagram included, from the cluster address', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-activated-udp-'));
  const sock = join(dir, 'admin.sock');
  const port = await freeUdpPort();
  const run = await socketActivate([`127.0.0.1:${port}`], [process.execPath, CLI, '-w', '2', '-l', 'systemd:dns', '--admin', sock, fixture('udp-echo.js')], { datagram: true, fdnames: ['dns'] });
  const clients: UdpClient[] = [];
  try {
    const first = await UdpClient.open();
    clients.push(first);
    // Starts the master: nobody reads the socket until its workers are ready. Sent once: a
    // datagram dropped on the way (before the workers were ready, say) fails the test.
    const reply = await first.ask(port, 'first', 15000);
    assert.match(reply.text, /^[12] \d+ first$/);
    assert.deepEqual(reply.from, { address: '127.0.0.1', port }, 'the answer leaves from the cluster address');
    await waitFor(() => /admin socket/.test(run.output()), 10000, `the admin line in:\n${run.output()}`);
    assert.match(run.output(), new RegExp(`listening on 127\\.0\\.0\\.1:${port} \\(udp, from systemd: dns\\) -> group default, round-robin`));
    // More flows, spread over both workers.
    const workers = new Set<number>([reply.worker]);
    for (let i = 0; i < 8; i++) {
      const c = await UdpClient.open();
      clients.push(c);
      const r = await c.ask(port, `hello ${i}`);
      assert.equal(r.text.split(' ').slice(2).join(' '), `hello ${i}`);
      workers.add(r.worker);
    }
    assert.deepEqual([...workers].sort(), [1, 2]);
    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { listeners: Array<{ protocol: string; port: number; origin: string; fdName?: string }> };
    assert.deepEqual(status.listeners.map((l) => [l.protocol, l.port, l.origin, l.fdName]), [['udp', port, 'systemd', 'dns']]);
  } finally {
    for (const c of clients) c.close();
    run.child.kill('SIGTERM');
    await run.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
