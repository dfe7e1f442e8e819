// Our frames share Node's IPC pipe with Node's JSON messages: each frame arrives whole with its own
// descriptor, JSON messages arrive intact, and all of them in the order they were written.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { FrameChannel } from '../../src/ipc/frame-channel.js';
import { encodeConn } from '../../src/ipc/frames.js';
import { fixture } from '../helpers/cluster.js';

type Entry = { frame?: number; port?: number | null; bytes?: number; sum?: number; json?: unknown; corrupt?: string };

test('frames and descriptors interleaved with JSON messages arrive matched and in order', async () => {
  const { thrown } = await burst({});
  assert.equal(thrown, 0);
});

test('a frame handler that throws loses nothing after it: the error surfaces, uncaught, once the read is done', async () => {
  // Without descriptors, so that one read holds many frames (Linux ends a read after a message
  // that carries descriptors): a throw in one would lose the rest of its read.
  const { thrown } = await burst({ THROW_EVERY: '4' }, false);
  assert.equal(thrown, 15, 'frames 1, 5, ..., 57 threw');
});

/**
 * Writes 60 frames with descriptors (one of 200 KB), 20 JSON messages and a frame without a
 * descriptor in one burst to a child that logs what it gets; asserts the exact sequence.
 */
async function burst(env: Record<string, string>, withHandles = true): Promise<{ log: Entry[]; thrown: number }> {
  const server = net.createServer() as unknown as net.Server & { _handle: { onconnection: (e: number, h: unknown) => void } };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const handles: Array<{ close(): void }> = [];
  server._handle.onconnection = (_e, h) => handles.push(h as { close(): void });
  const port = (server.address() as net.AddressInfo).port;
  const clients: net.Socket[] = [];
  for (let i = 0; i < 60; i++) {
    const c = net.connect(port, '127.0.0.1');
    c.on('error', () => {});
    await once(c, 'connect');
    clients.push(c);
  }
  while (handles.length < clients.length) await new Promise((r) => setTimeout(r, 5));

  const child = fork(fixture('frame-echo-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  try {
    await once(child, 'message');
    const frames = FrameChannel.open(child, () => {}, () => {})!;
    if (!withHandles) {
      child.send('pause');
      await new Promise((r) => setTimeout(r, 50));
    }
    // Big bytes: a frame that spans several reads of the child (Node reads 64 KiB at a time).
    const big = Buffer.alloc(200_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
    const sum = big.reduce((a, x) => (a + x) % 65521, 0);
    const expected: Entry[] = [];
    // Written in one burst, without waiting: the child's reads see several messages each.
    for (let i = 0; i < 60; i++) {
      const data = i === 30 ? big : undefined;
      frames.write(encodeConn(i, 0, Date.now(), data, false, undefined), withHandles ? handles[i] : undefined);
      expected.push({ frame: i, port: withHandles ? clients[i].localPort : null, bytes: data ? big.length : 0, sum: data ? sum : 0 });
      if (i % 3 === 0) {
        child.send({ n: i, text: 'ünïcödé\n'.repeat(i % 7) });
        expected.push({ json: { n: i, text: 'ünïcödé\n'.repeat(i % 7) } });
      }
    }
    // A frame with no descriptor between ones with descriptors: it must not steal one.
    frames.write(encodeConn(99, 0, Date.now(), undefined, false, undefined));
    expected.push({ frame: 99, port: null, bytes: 0, sum: 0 });
    child.send('report');
    const [reply] = (await once(child, 'message')) as [{ log: Entry[]; thrown: number }];
    assert.deepEqual(reply.log, expected);
    return reply;
  } finally {
    child.kill();
    for (const h of handles) h.close();
    for (const c of clients) c.destroy();
    server.close();
  }
}
