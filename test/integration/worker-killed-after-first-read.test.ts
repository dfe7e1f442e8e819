// A worker killed between reading a connection's first bytes and telling the master so: the
// master, not told, gives the connection whole to the next worker, but its request is gone with
// the dead one. That worker must not wait for it forever (the client would hang): it closes the
// connection after a second of silence, counted as rescued_silent.
//
// To stop the worker in exactly that moment: while its loop is blocked (request Z), the request
// of connection X (taken, waiting for its first bytes) and then a second request on kept-alive
// connection Y arrive. When Z's block ends, one poll reads X (its word to the master waits for
// the end of the turn) and then Y, whose handler blocks the loop for good; the test kills it then.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, fixture, portplex, runCli, waitFor } from '../helpers/cluster.js';

/** A raw client connection: what it received, and whether (and when) it ended. */
function client(port: number): { socket: net.Socket; received: () => string; ended: () => boolean; connected: Promise<void> } {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  let ended = false;
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => { received += d; });
  socket.on('error', () => {});
  socket.on('close', () => { ended = true; });
  return { socket, received: () => received, ended: () => ended, connected: new Promise((r) => socket.once('connect', () => r())) };
}

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

test('a worker killed after it read a request, before it said so: the rescued connection is closed, not left hanging', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-first-read-'));
  const sock = join(dir, 'admin.sock');
  const f = (name: string): string => encodeURIComponent(join(dir, name));
  const cli = runCli(['-w', '1', '-l', '127.0.0.1:0', '--admin', sock, fixture('http-app.js')]);
  const open: net.Socket[] = [];
  try {
    const port = await cliPort(cli.output);
    const established = async (): Promise<number> => {
      const r = await portplex('connections', '--state', 'established', '--json', '--admin', sock);
      return r.code === 0 ? (JSON.parse(r.stdout) as { records: unknown[] }).records.length : -1;
    };
    // Y: kept alive, served once.
    const y = client(port);
    open.push(y.socket);
    await y.connected;
    y.socket.write(get('/first'));
    await waitFor(() => y.received().includes('"path":"/first"'), 10000, 'Y\'s first answer');
    // X: taken by the worker, which waits for its first bytes.
    const x = client(port);
    open.push(x.socket);
    await x.connected;
    for (let n = await established(); n < 2; n = await established());
    // Z: blocks the worker's loop until the test says so.
    const z = client(port);
    open.push(z.socket);
    await z.connected;
    z.socket.write(get(`/block?until=${f('release-z')}&flag=${f('z-blocks')}`));
    await waitFor(() => existsSync(join(dir, 'z-blocks')), 10000, 'Z to block the worker');
    x.socket.write(get('/x'));
    y.socket.write(get(`/block?until=${f('never')}&flag=${f('y-blocks')}`));
    writeFileSync(join(dir, 'release-z'), '');
    await waitFor(() => existsSync(join(dir, 'y-blocks')), 10000, 'Y to block the worker');
    const pid = Number(readFileSync(join(dir, 'y-blocks'), 'utf8'));
    process.kill(pid, 'SIGKILL');

    // The new process gets X whole but silent, and must close it.
    await waitFor(() => x.ended(), 10000, 'X to be closed (it hangs otherwise)');
    assert.equal(x.received(), '', 'no answer: the request died with the worker that read it');
    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { stats: { dropped: Record<string, number> } };
    assert.equal(status.stats.dropped.rescued_silent, 1);
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
  } finally {
    for (const s of open) s.destroy();
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
