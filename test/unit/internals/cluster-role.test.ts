// Pins how Node's cluster module, net and dgram behave once portplex has made this process a
// cluster worker (src/internals/cluster-role.ts), on the running Node line. The tests run in
// order in this process, which they change for good: the role is set once, as in a worker.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertSupportedNode, missingInternals } from '../../../src/internals/check.js';
import { createBoundHandle } from '../../../src/internals/tcp-handle.js';
import { actAsClusterWorker, CLUSTER_ROLE, probeClusterRole, type ClusterModule } from '../../../src/internals/cluster-role.js';
import { CODES, PortplexError } from '../../../src/errors.js';

const cluster = createRequire(import.meta.url)('node:cluster') as ClusterModule & Record<string, unknown>;
const worker = { id: 7, process };
const appReads: Array<string | undefined> = [];
/** The file a read from this module names (an ES module's frames name its URL). */
const here = import.meta.url;

/** Counts the listen()s and bind()s Node sends to cluster._getServer. */
let asked = 0;

function connects(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(); });
    c.on('error', reject);
  });
}

test('a cluster module that already has _getServer (a Node cluster worker) fails the start check, naming it', () => {
  assert.equal(probeClusterRole(), true);
  assert.equal(missingInternals().includes(CLUSTER_ROLE), false);
  cluster._getServer = () => {};
  try {
    assert.equal(probeClusterRole(), false);
    assert.throws(assertSupportedNode, (err: unknown) => {
      assert.ok(err instanceof PortplexError);
      assert.equal(err.code, CODES.UNSUPPORTED_NODE);
      assert.ok(err.message.includes('isPrimary, isMaster and isWorker'), err.message);
      assert.ok(err.message.includes(process.version), err.message);
      return true;
    });
  } finally {
    delete cluster._getServer;
  }
  assert.equal(probeClusterRole(), true, 'restored');
});

test('the role is set: worker fields, and the setting itself is no read of the application', () => {
  actAsClusterWorker(worker, (file) => appReads.push(file));
  assert.equal(cluster.worker, worker);
  assert.equal(typeof cluster._getServer, 'function');
  const getServer = cluster._getServer!;
  cluster._getServer = (...a) => {
    asked++;
    getServer(...a);
  };
  assert.deepEqual(appReads, []);
  // The fields are accessors until the application's first read (nothing reads them yet).
  assert.equal(typeof Object.getOwnPropertyDescriptor(cluster, 'isPrimary')!.get, 'function');
});

test('net: listen() that Node does not share asks _getServer, which listens here; the role is read by node:net, not the application', async () => {
  const server = net.createServer((s) => s.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  assert.equal(asked, 1, 'listenInCluster took its worker branch');
  await connects((server.address() as net.AddressInfo).port);
  server.close();

  const exclusive = net.createServer((s) => s.end());
  exclusive.listen({ port: 0, host: '127.0.0.1', exclusive: true });
  await once(exclusive, 'listening');
  assert.equal(asked, 1, 'exclusive: bound by listenInCluster itself');

  // listen({ fd }): listenInCluster(null, null, null, backlog, fd) asks _getServer as well. The
  // descriptor of a socket bound and not listening (libuv refuses one this loop already watches);
  // its own handle is left open, never closed twice.
  const bound = createBoundHandle('127.0.0.1', 0, 4) as unknown as { fd: number; getsockname(out: Record<string, unknown>): number };
  const name: Record<string, unknown> = {};
  bound.getsockname(name);
  const byFd = net.createServer((s) => s.end());
  byFd.listen({ fd: bound.fd });
  await once(byFd, 'listening');
  assert.equal(asked, 2);
  await connects(name.port as number);
  byFd.close();

  // listen(handle): exclusive for listenInCluster, never asked.
  const byHandle = net.createServer((s) => s.end());
  byHandle.listen((exclusive as unknown as { _handle: object })._handle);
  await once(byHandle, 'listening');
  assert.equal(asked, 2);
  await connects((exclusive.address() as net.AddressInfo).port);
  byHandle.close();
  exclusive.close();

  // A Unix socket: bound here, and its readableAll/writableAll chmod follows the bind at once.
  const dir = mkdtempSync(join(tmpdir(), 'portplex-role-'));
  const path = join(dir, 's.sock');
  const pipe = net.createServer((s) => s.end());
  pipe.listen({ path, readableAll: true, writableAll: true });
  await once(pipe, 'listening');
  assert.equal(asked, 3);
  assert.equal(pipe.address(), path);
  assert.equal(statSync(path).mode & 0o066, 0o066, 'chmod a+rw as outside a cluster');
  await new Promise<void>((r) => pipe.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(appReads, [], "node:net's reads of cluster.isPrimary are not the application's");
});

test("dgram: bind() asks _getServer unless exclusive (portplex's worker binds exclusive); node:dgram's reads are not the application's", async () => {
  const plain = dgram.createSocket('udp4');
  plain.bind(0, '127.0.0.1');
  const [err] = await once(plain, 'error') as [NodeJS.ErrnoException];
  assert.equal(asked, 4, 'dgram took its cluster worker branch');
  assert.equal(err.code, 'EINVAL', 'only a net.Server is listened for');
  plain.close();

  const exclusive = dgram.createSocket('udp4');
  exclusive.bind({ port: 0, address: '127.0.0.1', exclusive: true });
  await once(exclusive, 'listening');
  assert.equal(asked, 4);
  assert.ok(exclusive.address().port > 0);
  exclusive.close();
  assert.deepEqual(appReads, []);
});

test("the application's first read is told once, naming its file; the fields are plain values from then on", () => {
  assert.equal(cluster.isPrimary, false);
  assert.deepEqual(appReads, [here]);
  assert.equal(cluster.isMaster, false);
  assert.equal(cluster.isWorker, true);
  assert.deepEqual(appReads, [here], 'once');
  const d = Object.getOwnPropertyDescriptor(cluster, 'isPrimary')!;
  assert.deepEqual([d.value, d.writable, d.enumerable, d.configurable], [false, true, true, true]);
});

test('ESM: the named exports of node:cluster, a snapshot taken at its first import, say worker', async () => {
  const ns = await import('node:cluster') as unknown as Record<string, unknown>;
  assert.equal(ns.isPrimary, false);
  assert.equal(ns.isMaster, false);
  assert.equal(ns.isWorker, true);
  assert.equal(ns.default, cluster);
  // Named exports are the fields the module had at its first load: `worker` is not one of them
  // (it is in a Node cluster worker); `cluster.worker` on the default export is.
  assert.equal('worker' in ns, false);
  assert.equal((ns.default as ClusterModule).worker, worker);
});
