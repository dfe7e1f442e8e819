// Pins every Node.js internal portplex relies on; if a Node release changes one, this fails first.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, freePort } from '../helpers/cluster.js';
import { freeUdpPort, poke, socketActivate } from '../helpers/socket-activate.js';
import { assertSupportedNode, INTERNALS, missingInternals } from '../../src/internals/check.js';
import { listenOnPipe } from '../../src/internals/net-server.js';
import { listeningHandle, probeTcpRead } from '../../src/internals/tcp-handle.js';
import { CODES, PortplexError } from '../../src/errors.js';

type Internal = Record<string, any>;

test('a listening server handle takes a replaced onconnection and yields raw handles with getpeername', async () => {
  const server = net.createServer() as unknown as Internal;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const got = new Promise<Internal>((resolve) => {
    server._handle.onconnection = (err: number, handle: Internal) => { assert.equal(err, 0); resolve(handle); };
  });
  const client = net.connect(server.address().port, '127.0.0.1');
  const handle = await got;
  const peer: Record<string, unknown> = {};
  assert.equal(handle.getpeername(peer), 0);
  assert.equal(peer.address, '127.0.0.1');
  assert.equal(peer.port, client.localPort ?? (await once(client, 'connect'), client.localPort));
  assert.equal(handle.constructor.name, 'TCP');
  handle.close();
  client.destroy();
  server.close();
});

test('NODE_-prefixed messages travel as internalMessage, a raw TCP handle rides along, and the sender keeps its copy', async () => {
  const server = net.createServer() as unknown as Internal;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Internal>((resolve) => { server._handle.onconnection = (_e: number, h: Internal) => resolve(h); });
  const client = net.connect(server.address().port, '127.0.0.1');
  let received = '';
  client.setEncoding('utf8');
  client.on('data', (d) => { received += d; });
  const clientEnded = once(client as unknown as net.Socket, 'end');
  const handle = await accepted;

  const child = fork(fixture('internals-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies: Internal[] = [];
  child.on('internalMessage', (m: Internal) => { if (m.cmd === 'NODE_PORTPLEX_TEST') replies.push(m); });
  let plainInParent = 0;
  child.on('message', () => { plainInParent++; });
  while (!replies.some((m) => m.t === 'ready')) await new Promise((r) => setTimeout(r, 10));
  child.send({ cmd: 'NODE_PORTPLEX_TEST', t: 'handle' }, handle as never);
  while (!replies.some((m) => m.t === 'got')) await new Promise((r) => setTimeout(r, 10));
  assert.equal(replies.find((m) => m.t === 'got')!.raw, 'TCP', 'the child receives a raw TCP handle (net.Native)');

  // The child wrote and closed its copy; the client sees no end while the master still holds one.
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(received, 'from-child\n');
  let ended = false;
  void clientEnded.then(() => { ended = true; });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(ended, false, 'net.Native handles are not closed by Node after the send');
  handle.close();
  await clientEnded;

  child.send({ cmd: 'NODE_PORTPLEX_TEST', t: 'count' });
  while (!replies.some((m) => m.t === 'count')) await new Promise((r) => setTimeout(r, 10));
  assert.equal(replies.find((m) => m.t === 'count')!.plainMessages, 0, "the child's 'message' listeners never see NODE_ messages");
  assert.equal(plainInParent, 0);
  child.send({ cmd: 'NODE_PORTPLEX_TEST', t: 'bye' });
  await once(child, 'exit');
  server.close();
});

test('net.Server._listen2 accepts a pre-set handle: listening fires, address() asks getsockname, onconnection is installed', async () => {
  const server = new net.Server() as unknown as Internal;
  let listenCalls = 0;
  const fake = {
    onconnection: null as unknown,
    listen: () => { listenCalls++; return 0; },
    getsockname: (out: Record<string, unknown>) => { out.address = '10.1.2.3'; out.port = 4321; out.family = 'IPv4'; return 0; },
    close: () => {},
    ref: () => {},
    unref: () => {},
  };
  const connections: unknown[] = [];
  server.on('connection', (s: unknown) => connections.push(s));
  server._handle = fake;
  server._listen2('10.1.2.3', 4321, 4, 511);
  await once(server as unknown as net.Server, 'listening');
  assert.equal(listenCalls, 1);
  assert.equal(server.listening, true);
  assert.deepEqual(server.address(), { address: '10.1.2.3', port: 4321, family: 'IPv4' });
  assert.equal(typeof fake.onconnection, 'function');

  // onconnection builds the socket and emits 'connection' synchronously (the worker runtime relies on it).
  const other = net.createServer() as unknown as Internal;
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const raw = new Promise<Internal>((resolve) => { other._handle.onconnection = (_e: number, h: Internal) => resolve(h); });
  const client = net.connect(other.address().port, '127.0.0.1');
  const h = await raw;
  (fake.onconnection as (e: number, h: unknown) => void).call(fake, 0, h);
  assert.equal(connections.length, 1, "'connection' was emitted before onconnection returned");
  (connections[0] as net.Socket).destroy();
  client.destroy();
  other.close();
  server.close();
});

test('a Unix socket server: listenOnPipe gives address() the path, and a pipe connection handed to onconnection is a socket', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-pipe-'));
  const path = join(dir, 's.sock');
  // What listen(path) itself sets: the field server.address() returns for a pipe.
  const real = net.createServer();
  await new Promise<void>((r) => real.listen(path, r));
  assert.equal((real as unknown as { _pipeName?: string })._pipeName, path, "listen(path) keeps the path as _pipeName");
  const raw = new Promise<unknown>((resolve) => { (real as unknown as Internal)._handle.onconnection = (_e: number, h: unknown) => resolve(h); });
  const client = net.connect(path);

  const server = new net.Server();
  const fake = { onconnection: null as unknown, listen: () => 0, getsockname: () => 0, close: () => {}, ref: () => {}, unref: () => {} };
  const got: net.Socket[] = [];
  server.on('connection', (s: net.Socket) => got.push(s));
  listenOnPipe(server, fake, '/run/app.sock', 511);
  await once(server, 'listening');
  assert.equal(server.address(), '/run/app.sock');
  const h = await raw;
  (fake.onconnection as (e: number, h: unknown) => void).call(fake, 0, h);
  assert.equal(got.length, 1);
  const echoed = once(client, 'data');
  got[0]!.write('over the pipe');
  assert.equal(String((await echoed)[0]), 'over the pipe');
  got[0]!.destroy();
  client.destroy();
  server.close();
  await new Promise<void>((r) => real.close(() => r()));
  assert.equal(existsSync(path), false, 'closing a pipe server unlinks its path (libuv)');
  rmSync(dir, { recursive: true, force: true });
});

test('socket._handle.readStop() stops reading: later bytes stay in the kernel for the next owner of the handle', async () => {
  const server = net.createServer() as unknown as Internal;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Internal>((resolve) => { server._handle.onconnection = (_e: number, h: Internal) => resolve(h); });
  const client = net.connect(server.address().port, '127.0.0.1');
  const handle = await accepted;
  const first = new net.Socket({ handle, readable: true, writable: true } as unknown as net.SocketConstructorOpts) as unknown as Internal;
  const seenByFirst: string[] = [];
  first.on('data', (d: Buffer) => seenByFirst.push(d.toString()));
  client.write('one');
  while (seenByFirst.length === 0) await new Promise((r) => setTimeout(r, 5));
  assert.equal(first._handle.readStop(), 0);
  // net.Socket keeps its own flag on the handle (tryReadStart); readStop() alone leaves it set.
  assert.equal(handle.reading, true);
  handle.reading = false;
  first.removeAllListeners('data');
  first._handle = null;
  client.write('two');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(seenByFirst, ['one'], 'nothing read after readStop');
  // A new owner of the same handle reads what waited in the kernel.
  const second = new net.Socket({ handle, readable: true, writable: true } as unknown as net.SocketConstructorOpts);
  const got = await new Promise<string>((resolve) => second.once('data', (d) => resolve(d.toString())));
  assert.equal(got, 'two');
  second.destroy();
  client.destroy();
  server.close();
});

test('net.Socket answers remoteAddress/remotePort/remoteFamily from its _peername cache', async () => {
  const server = net.createServer() as unknown as Internal;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Internal>((resolve) => { server._handle.onconnection = (_e: number, h: Internal) => resolve(h); });
  const client = net.connect(server.address().port, '127.0.0.1');
  const handle = await accepted;
  const socket = new net.Socket({ handle, readable: true, writable: true } as unknown as net.SocketConstructorOpts) as unknown as Internal;
  socket._peername = { address: '203.0.113.7', port: 56324, family: 'IPv4' };
  assert.deepEqual([socket.remoteAddress, socket.remotePort, socket.remoteFamily], ['203.0.113.7', 56324, 'IPv4']);
  socket.destroy();
  client.destroy();
  server.close();
});

test('net._createServerHandle binds without listening; a child given the handle listens and accepts on it', async () => {
  const create = (net as unknown as { _createServerHandle(a: string, p: number, t: number, fd?: number, f?: number): Internal })._createServerHandle;
  assert.equal(typeof create, 'function');
  const handle = create('127.0.0.1', 0, 4, undefined, 0);
  assert.equal(typeof handle, 'object', 'a handle, not an errno');
  const out: Internal = {};
  assert.equal(handle.getsockname(out), 0);
  const port = out.port as number;
  assert.ok(port > 0);
  const refused = await new Promise<string>((resolve) => net.connect(port, '127.0.0.1').on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')).on('connect', () => resolve('connected')));
  assert.equal(refused, 'ECONNREFUSED', 'bound only: nobody listens yet');

  const child = fork(fixture('internals-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies: Internal[] = [];
  child.on('internalMessage', (m: Internal) => { if (m.cmd === 'NODE_PORTPLEX_TEST') replies.push(m); });
  while (!replies.some((m) => m.t === 'ready')) await new Promise((r) => setTimeout(r, 10));
  child.send({ cmd: 'NODE_PORTPLEX_TEST', t: 'listen' }, handle as never);
  while (!replies.some((m) => m.t === 'listening')) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(replies.find((m) => m.t === 'listening'), { cmd: 'NODE_PORTPLEX_TEST', t: 'listening', err: 0, raw: 'TCP' });
  const answer = await new Promise<string>((resolve, reject) => {
    let text = '';
    net.connect(port, '127.0.0.1').setEncoding('utf8').on('data', (d) => { text += d; }).on('end', () => resolve(text)).on('error', reject);
  });
  assert.equal(answer, 'accepted-by-child 0\n', 'the child accepted; the parent, which never listened, did not');
  child.send({ cmd: 'NODE_PORTPLEX_TEST', t: 'bye' });
  await once(child, 'exit');
  // The parent's copy kept the socket; once it closes too, the port is free.
  await new Promise<void>((r) => handle.close(r));
});

test('net._createServerHandle(null, 0, 0, fd) opens an inherited descriptor: a TCP wrap for TCP (getsockname; getpeername ENOTCONN when listening), a Pipe wrap for a Unix stream socket, UV_EINVAL for UDP', async () => {
  // Socket activation (src/systemd/activated-sockets.ts) tells descriptors apart this way.
  const dir = mkdtempSync(join(tmpdir(), 'portplex-fd-'));
  try {
    const port = await freePort();
    const stream = await socketActivate([`127.0.0.1:${port}`, join(dir, 'u.sock')], [process.execPath, fixture('probe-fds.js'), 'raw']);
    net.connect(port, '127.0.0.1').on('error', () => {}).unref();
    await stream.exited;
    const udpPort = await freeUdpPort();
    const datagram = await socketActivate([`127.0.0.1:${udpPort}`], [process.execPath, fixture('probe-fds.js'), 'raw'], { datagram: true });
    await poke(udpPort);
    await datagram.exited;
    const parse = (out: string): Internal[] => out.split('\n').filter((l) => l.startsWith('{"fd"')).map((l) => JSON.parse(l) as Internal);
    assert.deepEqual([...parse(stream.output()), ...parse(datagram.output())], [
      { fd: 3, kind: 'TCP', sockname: 0, local: { address: '127.0.0.1', family: 'IPv4', port }, peername: -constants.errno.ENOTCONN },
      { fd: 4, kind: 'Pipe', sockname: null, local: {}, peername: null },
      { fd: 3, errno: -constants.errno.EINVAL },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the IPC channel's raw pipe (kChannelHandle) and stream_wrap's write request and read state", async () => {
  const { channelPipe } = await import('../../src/internals/channel-pipe.js');
  const { streamInternals } = await import('../../src/internals/stream-wrap.js');
  const io = streamInternals();
  assert.ok(io.state instanceof Int32Array);
  assert.equal(new Set([io.kReadBytesOrError, io.kArrayBufferOffset, io.kLastWriteWasAsync]).size, 3);
  assert.equal(typeof new io.WriteWrap(), 'object');
  const child = fork(fixture('internals-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const pipe = channelPipe(child) as unknown as Internal;
    assert.ok(pipe, 'the ChildProcess keeps its channel pipe under Symbol(kChannelHandle)');
    assert.equal(typeof pipe.onread, 'function');
    assert.equal(typeof pipe.writeBuffer, 'function');
    assert.equal(pipe.constructor.name, 'Pipe');
    // The other side (channelPipe(process) in a child) is exercised by test/integration/frame-channel.test.ts.
  } finally {
    child.kill();
    await once(child, 'exit');
  }
});

test('tcp_wrap handles have readStart and readStop (the preread reads a raw handle with them)', () => {
  assert.equal(probeTcpRead(), true);
});

test('every internal checked at start is present on this Node', () => {
  assert.deepEqual(missingInternals(), []);
  assert.doesNotThrow(assertSupportedNode);
  assert.ok(INTERNALS.length >= 5);
});

/** Removes `key` from `target` for the length of `fn`, then puts it back as it was. */
function without(target: object, key: string, fn: () => void): void {
  const had = Object.getOwnPropertyDescriptor(target, key);
  assert.ok(had, `${key} is an own property to remove`);
  delete (target as Record<string, unknown>)[key];
  try {
    fn();
  } finally {
    Object.defineProperty(target, key, had);
  }
}

const fakes: Array<{ name: string; target: () => object; key: string; named: RegExp }> = [
  { name: 'net._createServerHandle', target: () => net, key: '_createServerHandle', named: /net\._createServerHandle/ },
  { name: 'net.Server.prototype._listen2', target: () => net.Server.prototype, key: '_listen2', named: /net\.Server\.prototype\._listen2/ },
  { name: 'net.Socket.prototype._getpeername', target: () => net.Socket.prototype, key: '_getpeername', named: /_getpeername/ },
  { name: 'process.binding', target: () => process, key: 'binding', named: /stream_wrap.*tcp_wrap|stream_wrap/ },
];

for (const f of fakes) {
  test(`without ${f.name}, the start check fails with PORTPLEX_UNSUPPORTED_NODE naming it and the Node version`, () => {
    without(f.target(), f.key, () => {
      assert.notDeepEqual(missingInternals(), []);
      assert.throws(assertSupportedNode, (err: unknown) => {
        assert.ok(err instanceof PortplexError);
        assert.equal(err.code, CODES.UNSUPPORTED_NODE);
        assert.match(err.message, f.named);
        assert.ok(err.message.includes(process.version), err.message);
        return true;
      });
    });
    assert.deepEqual(missingInternals(), [], 'restored');
  });
}

test("a listening server's _handle goes to another process as it is: net.Server.listen(handle) accepts there, and the sender's copy serves until it closes", async () => {
  const server = net.createServer((s) => s.end('parent\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const handle = listeningHandle(server);
  assert.equal(handle?.constructor.name, 'TCP');
  const child = fork(fixture('listen-handle-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies: Internal[] = [];
  child.on('message', (m: Internal) => replies.push(m));
  while (!replies.some((m) => m.t === 'ready')) await new Promise((r) => setTimeout(r, 10));
  child.send({ t: 'listener' }, handle as never);
  while (!replies.some((m) => m.t === 'listening')) await new Promise((r) => setTimeout(r, 10));
  const got = replies.find((m) => m.t === 'listening')!;
  assert.equal(got.raw, 'TCP', 'a raw handle arrives as net.Native');
  assert.equal(got.port, port, 'getsockname on the received handle names the same port');
  assert.equal(got.address.port, port);
  const line = (): Promise<string> => new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1');
    let buf = '';
    c.setEncoding('utf8').on('data', (d) => { buf += d; }).on('end', () => resolve(buf)).on('error', reject);
  });
  // Both accept now; once the sender closes its copy, every connection goes to the child.
  assert.equal(server.listening, true);
  await new Promise<void>((r) => server.close(() => r()));
  for (let i = 0; i < 5; i++) assert.equal(await line(), 'child\n');
  child.kill();
  await once(child, 'exit');
});
