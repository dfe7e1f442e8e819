// An app that listens on a Unix socket path: under portplex with no -l, the master binds the path
// once and hands its connections round the workers, as Node's cluster primary does (where each
// worker binding it would fail with EADDRINUSE). The test runs Node's cluster side by side as the
// reference: both workers answer on the one path, the app sees no client address, and the path
// is gone once the master stops.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, handedOver, portplex, runCli, waitFor } from '../helpers/cluster.js';

interface Answer { pid: number; remoteAddress: string | null }

function ask(socketPath: string, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(JSON.parse(body) as Answer));
    }).on('error', reject);
  });
}

/** What 20 one-at-a-time requests saw: answers per process (sorted) and client addresses. */
async function twenty(socketPath: string): Promise<{ perProcess: number[]; addresses: Array<string | null> }> {
  const per = new Map<number, number>();
  const addresses = new Set<string | null>();
  for (let i = 0; i < 20; i++) {
    const a = await ask(socketPath);
    per.set(a.pid, (per.get(a.pid) ?? 0) + 1);
    addresses.add(a.remoteAddress);
  }
  return { perProcess: [...per.values()].sort((x, y) => x - y), addresses: [...addresses] };
}

test('listen(path) on 2 workers: one socket bound by the master, both workers serve it, as under Node\'s cluster', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-unix-'));
  try {
    // Node's cluster: the reference.
    const refPath = join(dir, 'cluster.sock');
    const ref = spawn(process.execPath, [fixture('node-cluster.js')], {
      env: { ...process.env, APP: fixture('unix-app.js'), APP_SOCKET: refPath }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let refOut = '';
    ref.stdout!.on('data', (d) => { refOut += d; });
    const refExit = new Promise((r) => ref.once('exit', r));
    let underCluster: Awaited<ReturnType<typeof twenty>>;
    try {
      await waitFor(() => /cluster ready/.test(refOut), 10000, `Node's cluster to listen:\n${refOut}`);
      underCluster = await twenty(refPath);
    } finally {
      ref.kill('SIGTERM');
      await refExit;
    }
    assert.equal(underCluster.perProcess.length, 2, 'Node\'s cluster: both workers answer on one path');

    const path = join(dir, 'app.sock');
    const sock = join(dir, 'admin.sock');
    const cli = runCli(['-w', '2', '--grace', '2000', '--admin', sock, fixture('unix-app.js')], { APP_SOCKET: path });
    try {
      await waitFor(() => /2\/2 workers ready/.test(cli.output()) && (cli.output().match(/app listening on/g) ?? []).length === 2, 10000, `ready workers in:\n${cli.output()}`);
      assert.ok(cli.output().includes(`listening on ${path} (unix) -> group default, round-robin, asked by the app`), cli.output());
      assert.equal((cli.output().match(new RegExp(`app listening on ${path}`, 'g')) ?? []).length, 2, 'server.address() is the path, in both workers');
      const under = await twenty(path);
      assert.deepEqual(under.perProcess, [10, 10], 'round-robin over both workers');
      assert.deepEqual(under.addresses, underCluster.addresses, 'the app sees the client as under Node\'s cluster');

      // A connection left open is in the table, its cluster address the path.
      const held = http.get({ socketPath: path, path: '/hold', agent: false });
      held.on('error', () => {});
      await handedOver(sock, 21);
      const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout);
      assert.deepEqual(status.listeners.map((l: any) => [l.address, l.family, l.onDemand]), [[path, 'unix', true]]);
      const records = JSON.parse((await portplex('connections', '--json', '--admin', sock)).stdout).records as any[];
      assert.deepEqual(records.map((r) => [r.protocol, r.cluster, r.clientAddress]), [['tcp', path, '']]);
      held.destroy();
    } finally {
      cli.child.kill('SIGTERM');
      assert.equal((await cli.exited).code, 0, cli.output());
    }
    assert.equal(existsSync(path), false, 'the master removed the socket path when it stopped');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
