// A connection the master hands over: adopted by the application's server and acknowledged (with
// word that it has begun, before the server sees a byte), or refused with the reason the master
// acts on. Real sockets: the handle is a raw accept of a local server, as a descriptor arrives
// over IPC; the application's server listens on the runtime's stand-in handle; the channel to the
// master is a fake that records what it was told, in order.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Adoption } from '../../../src/in-worker/adopt.js';
import { Delivery } from '../../../src/in-worker/delivery.js';
import { FaultReport } from '../../../src/in-worker/fault-report.js';
import { onFault } from '../../../src/in-worker/faults.js';
import { ListenIntercept, type ServingEvents } from '../../../src/in-worker/listen-intercept.js';
import { ListenRequests } from '../../../src/in-worker/listen-requests.js';
import { RequestIds } from '../../../src/ipc/request-ids.js';
import { SessionReport } from '../../../src/in-worker/session-report.js';
import { newRuntimeStats, type RuntimeStats } from '../../../src/in-worker/stats.js';
import { takeAccepts, type RawHandle } from '../../../src/internals/tcp-handle.js';
import type { ConnFrame } from '../../../src/ipc/frames.js';
import { CMD, type WorkerListener } from '../../../src/ipc/protocol.js';
import { FakeChannel } from './fakes.js';

/** The cluster listener the application's server listens on (a stand-in: nothing binds it). */
const LISTENER: WorkerListener = { i: 0, protocol: 'tcp', address: '127.0.0.1', port: 18080, family: 'IPv4' };
const PEER = { address: '192.0.2.1', port: 5555, family: 'IPv4' };
const NO_EVENTS: ServingEvents = { changed() {}, served() {}, unserved() {}, refChanged() {}, hooked() {} };

interface Rig {
  channel: FakeChannel;
  stats: RuntimeStats;
  delivery: Delivery;
  serving: ListenIntercept;
  adoption: Adoption;
  /** A client connected to a local server, and that connection's raw handle, as the master sends it. */
  handed(): Promise<{ client: net.Socket; handle: RawHandle }>;
}

const cleanups: Array<() => void> = [];
let channel: FakeChannel;
let stats: RuntimeStats;

beforeEach(() => {
  channel = new FakeChannel();
  stats = newRuntimeStats();
  // Faults of the runtime's code are counted and told on the same channel, as in a worker.
  onFault(new FaultReport(stats, channel).add);
});
afterEach(() => {
  onFault(() => {});
  for (const c of cleanups.splice(0)) c();
});

async function rig(app: net.Server, staleAfter = 1000, stopping = (): boolean => false): Promise<Rig> {
  const delivery = new Delivery(channel);
  const serving = new ListenIntercept([LISTENER], delivery, NO_EVENTS, new ListenRequests(channel, new RequestIds()), new SessionReport(channel));
  assert.ok(serving.intercept(app, [LISTENER.port]), 'a cluster port is served, not bound');
  await once(app, 'listening');
  const source = net.createServer();
  await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
  const arrived: RawHandle[] = [];
  const waiting: Array<(h: RawHandle) => void> = [];
  takeAccepts(source, (err, h) => {
    assert.equal(err, 0);
    const w = waiting.shift();
    if (w) w(h!);
    else arrived.push(h!);
  });
  const clients: net.Socket[] = [];
  cleanups.push(() => {
    for (const c of clients) c.destroy();
    source.close();
    app.close();
  });
  const port = (source.address() as net.AddressInfo).port;
  return {
    channel, stats, delivery, serving,
    adoption: new Adoption(channel, delivery, serving, stats, staleAfter, stopping),
    async handed() {
      const client = net.connect(port, '127.0.0.1');
      clients.push(client);
      const handle = arrived.shift() ?? await new Promise<RawHandle>((resolve) => waiting.push(resolve));
      if (client.connecting) await once(client, 'connect');
      return { client, handle };
    },
  };
}

function frame(id: number, f: Partial<ConnFrame> = {}): ConnFrame {
  return { id, listener: 0, sentAt: Date.now(), eof: false, rescued: false, peer: PEER, data: undefined, ...f };
}

/** Everything the client reads until its connection closes. */
async function readAll(client: net.Socket): Promise<string> {
  let text = '';
  client.on('data', (d: Buffer) => { text += d.toString(); });
  await once(client, 'close');
  return text;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('Adoption of a handed-over connection', () => {
  it('a plain net server gets it at once: acknowledged, begun, the client the master saw; its close reported', async () => {
    const app = net.createServer();
    const r = await rig(app);
    const { client, handle } = await r.handed();
    const connection = once(app, 'connection');
    r.adoption.adopt(frame(7), handle);
    const [socket] = (await connection) as [net.Socket];
    assert.deepEqual(r.channel.calls, [['ack', 7], ['begun', 7]]);
    assert.equal(r.stats.adopted, 1);
    assert.deepEqual([socket.remoteAddress, socket.remotePort], [PEER.address, PEER.port]);
    assert.deepEqual([...r.delivery.held.keys()], [7]);
    const read = readAll(client);
    socket.end('hello');
    assert.equal(await read, 'hello', 'the application speaks to the real client');
    socket.resume();
    await once(socket, 'close');
    assert.deepEqual(r.channel.calls.slice(2), [['close', 7]]);
    assert.equal(r.delivery.held.size, 0);
  });

  it('bytes the master read come first in the stream, and its end with them', async () => {
    const app = net.createServer();
    const r = await rig(app);
    const { handle } = await r.handed();
    const connection = once(app, 'connection');
    r.adoption.adopt(frame(8, { data: Buffer.from('ping'), eof: true }), handle);
    const [socket] = (await connection) as [net.Socket];
    let text = '';
    socket.on('data', (d: Buffer) => { text += d.toString(); });
    await once(socket, 'end');
    assert.equal(text, 'ping');
    assert.deepEqual(r.channel.calls, [['ack', 8], ['begun', 8]]);
  });

  it('an HTTP server: acknowledged at once, begun reported and flushed before the server sees the request', async () => {
    let seen: unknown[] = [];
    const app = http.createServer((req, res) => {
      seen = [...channel.calls];
      res.setHeader('connection', 'close');
      res.end(`hi ${req.url}`);
    });
    const r = await rig(app);
    const closed = new Promise((resolve) => app.once('connection', (s: net.Socket) => s.once('close', resolve)));
    const { client, handle } = await r.handed();
    r.adoption.adopt(frame(9), handle);
    assert.deepEqual(r.channel.calls, [['ack', 9]], 'the client has not spoken: nothing begun yet');
    assert.deepEqual(r.adoption.readingIds(), [9]);
    const read = readAll(client);
    client.write('GET /x HTTP/1.1\r\nHost: a\r\n\r\n');
    const response = await read;
    assert.match(response, /^HTTP\/1\.1 200 /);
    assert.match(response, /hi \/x$/);
    assert.deepEqual(seen, [['ack', 9], ['begun', 9], ['flushReports']]);
    assert.deepEqual(r.adoption.readingIds(), []);
    await closed;
    assert.deepEqual(r.channel.calls.slice(3), [['close', 9]]);
  });

  const refusals: Array<{ name: string; staleAfter?: number; stopping?: boolean; f: Partial<ConnFrame>; why: string }> = [
    { name: 'the worker is stopping', stopping: true, f: {}, why: 'stopping' },
    { name: 'no server serves its listener', f: { listener: 3 }, why: 'no-server' },
    { name: 'it waited past staleAfter', staleAfter: 1000, f: { sentAt: Date.now() - 1500 }, why: 'stale' },
  ];
  for (const c of refusals) {
    it(`is refused (${c.why}) when ${c.name}, its copy closed, no server sees it`, async () => {
      const app = net.createServer();
      const r = await rig(app, c.staleAfter, () => c.stopping === true);
      let connections = 0;
      app.on('connection', () => connections++);
      const { client, handle } = await r.handed();
      r.adoption.adopt(frame(5, c.f), handle);
      assert.deepEqual(r.channel.calls, [['refuse', 5, c.why]]);
      assert.deepEqual([r.stats.refused, r.stats.adopted, connections], [1, 0, 0]);
      assert.equal(await readAll(client), '', 'our copy closed: the client sees the end (the master still holds its own)');
    });
  }

  it('is refused (full) when the server is at maxConnections', async () => {
    const app = net.createServer();
    app.maxConnections = 1;
    const r = await rig(app);
    const first = await r.handed();
    r.adoption.adopt(frame(1), first.handle);
    const second = await r.handed();
    r.adoption.adopt(frame(2), second.handle);
    assert.deepEqual(r.channel.calls, [['ack', 1], ['begun', 1], ['refuse', 2, 'full']]);
    assert.deepEqual([r.stats.adopted, r.stats.refused], [1, 1]);
    assert.deepEqual([...r.delivery.held.keys()], [1]);
  });

  it('without its descriptor: refused (no-descriptor), and a fault of kind adopt reported at the end of the turn', async () => {
    const r = await rig(net.createServer());
    r.adoption.adopt(frame(6), undefined);
    assert.deepEqual(r.channel.calls, [['refuse', 6, 'no-descriptor']]);
    assert.equal(r.stats.refused, 1);
    await turn();
    assert.deepEqual(r.channel.calls.slice(1), [
      ['send', { cmd: CMD, t: 'ft', k: 'adopt', n: 1, e: 'connection 6 arrived without its descriptor (out of descriptors?)' }],
    ]);
    assert.equal(r.stats.faults.adopt, 1);
  });

  it('a descriptor with no readable frame is closed and counted malformed, nothing told', async () => {
    const r = await rig(net.createServer());
    const { client, handle } = await r.handed();
    r.adoption.adopt(undefined, handle);
    assert.equal(await readAll(client), '');
    assert.deepEqual(r.channel.calls, []);
    assert.equal(r.stats.malformed, 1);
  });

  it('a fault of ours before the ack: refused (fault), so the master gives it to another worker', async () => {
    const r = await rig(net.createServer());
    r.serving.handleOf = () => {
      throw new Error('boom');
    };
    const { client, handle } = await r.handed();
    r.adoption.adopt(frame(4), handle);
    assert.deepEqual(r.channel.calls, [['refuse', 4, 'fault']]);
    assert.equal(await readAll(client), '');
    assert.deepEqual(r.channel.calls.slice(1), [['send', { cmd: CMD, t: 'ft', k: 'adopt', n: 1, e: 'boom' }]]);
  });
});
