// What portplex makes of each descriptor systemd passes: real descriptors, passed by Debian's
// systemd-socket-activate (or a shell, for what it cannot pass) to test/fixtures/probe-fds.js.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, freePort } from '../../helpers/cluster.js';
import { freeUdpPort, poke, socketActivate } from '../../helpers/socket-activate.js';
import { CODES, EXIT } from '../../../src/errors.js';

type Line = Record<string, unknown>;

function lines(output: string): Line[] {
  return output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

test('TCP listening sockets are taken with their address and a TCP handle; a Unix stream socket is refused naming its fd and name; LISTEN_* are gone after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-probe-'));
  const [p1, p2] = [await freePort(), await freePort()];
  try {
    const run = await socketActivate([`127.0.0.1:${p1}`, String(p2), join(dir, 'u.sock')], [process.execPath, fixture('probe-fds.js')], { fdnames: ['web', 'all', 'local'] });
    net.connect(p1, '127.0.0.1').on('error', () => {}).unref();
    assert.equal((await run.exited).code, 0, run.output());
    assert.deepEqual(lines(run.output()), [
      { protocol: 'tcp', address: '127.0.0.1', port: p1, family: 'IPv4', name: 'web', fd: 3, handle: 'TCP', udpFd: null },
      { protocol: 'tcp', address: '::', port: p2, family: 'IPv6', name: 'all', fd: 4, handle: 'TCP', udpFd: null },
      { fd: 5, code: CODES.SYSTEMD_SOCKET, exitCode: EXIT.listen, error: 'fd 5 ("local"), passed by systemd, is a Unix stream socket (ListenStream= with a path); portplex takes TCP sockets (ListenStream= with a port) and UDP sockets (ListenDatagram= with a port)' },
      { env: [] },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('UDP sockets are taken with family and address from the kernel, left unopened; a Unix datagram socket is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-probe-'));
  const [p1, p2] = [await freeUdpPort(), await freeUdpPort()];
  try {
    const run = await socketActivate([`127.0.0.1:${p1}`, `[::1]:${p2}`, join(dir, 'd.sock')], [process.execPath, fixture('probe-fds.js')], { datagram: true });
    await poke(p1);
    assert.equal((await run.exited).code, 0, run.output());
    assert.deepEqual(lines(run.output()), [
      { protocol: 'udp', address: '127.0.0.1', port: p1, family: 'IPv4', fd: 3, handle: null, udpFd: 3 },
      { protocol: 'udp', address: '::1', port: p2, family: 'IPv6', fd: 4, handle: null, udpFd: 4 },
      { fd: 5, code: CODES.SYSTEMD_SOCKET, exitCode: EXIT.listen, error: 'fd 5, passed by systemd, is a socket portplex cannot serve, neither TCP nor UDP (a Unix datagram or sequential-packet socket?); portplex takes TCP sockets (ListenStream= with a port) and UDP sockets (ListenDatagram= with a port)' },
      { env: [] },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a connection (Accept=yes) is refused: portplex needs the listening socket', async () => {
  const port = await freePort();
  const run = await socketActivate([`127.0.0.1:${port}`], [process.execPath, fixture('probe-fds.js')], { accept: true });
  const client = net.connect(port, '127.0.0.1').on('error', () => {});
  // With --accept, systemd-socket-activate serves connections until stopped: one is enough.
  await new Promise<void>((resolve) => {
    const check = (): void => { if (/"fd":3,"code"/.test(run.output())) resolve(); else setTimeout(check, 20); };
    check();
  });
  client.destroy();
  run.child.kill('SIGTERM');
  await run.exited;
  const refused = lines(run.output()).find((l) => l.fd === 3);
  assert.deepEqual(refused, { fd: 3, code: CODES.SYSTEMD_SOCKET, exitCode: EXIT.listen, error: 'fd 3, passed by systemd, is a connected TCP socket, not a listening one: the .socket unit must not have Accept=yes' });
});

test('a file and a pipe are refused, each named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-probe-'));
  try {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    // The shell passes what systemd-socket-activate cannot: fd 3 a file, 4 a pipe. (A descriptor
    // systemd did not pass is not testable: Node opens its own from 3 on at start.)
    const out = execFileSync('sh', ['-c', 'LISTEN_PID=$$ LISTEN_FDS=2 LISTEN_FDNAMES=conf:fifo exec "$0" "$1" 3</etc/hostname 4<>"$2"', process.execPath, fixture('probe-fds.js'), join(dir, 'fifo')], { encoding: 'utf8' });
    const why = lines(out).filter((l) => l.code !== undefined).map((l) => l.error);
    assert.deepEqual(why, [
      'fd 3 ("conf"), passed by systemd, is not a socket but a file; portplex takes TCP sockets (ListenStream= with a port) and UDP sockets (ListenDatagram= with a port)',
      'fd 4 ("fifo"), passed by systemd, is not a socket but a pipe; portplex takes TCP sockets (ListenStream= with a port) and UDP sockets (ListenDatagram= with a port)',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('LISTEN_PID of another process: nothing is probed, it is said once, and the variables are gone', () => {
  const out = execFileSync(process.execPath, [fixture('probe-fds.js')], { encoding: 'utf8', env: { ...process.env, LISTEN_PID: '1', LISTEN_FDS: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  assert.deepEqual(lines(out), [{ ignored: 'LISTEN_PID="1" is not this process (pid ' + /pid (\d+)\)/.exec(out)![1] + '): the sockets in LISTEN_FDS are another process\'s; ignored' }, { env: [] }]);
});
