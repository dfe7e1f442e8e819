// An app's own second port closes once the app has closed that server in every worker, and is
// bound again when it listens again, as under Node's cluster module (which the test runs side by
// side as the reference); until then a closed server in one worker leaves the others serving.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fixture, freePort, get, portplex, runCli, tryConnect, waitFor } from '../helpers/cluster.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Sends `path` until each of the 2 workers has answered it once (round-robin alternates; cluster's too). */
async function onBoth(port: number, path: string): Promise<void> {
  const pids = new Set<string>();
  for (let i = 0; i < 20 && pids.size < 2; i++) pids.add((await get(port, path)).body);
  assert.equal(pids.size, 2, `both workers answered ${path}`);
}

/** What a client sees of the extra port: after one worker closed it, after both did, after both opened it again. */
async function lifecycle(port: number, extra: number): Promise<string[]> {
  const seen = [await tryConnect('127.0.0.1', extra)];
  await get(port, '/close-extra');
  seen.push(await tryConnect('127.0.0.1', extra));
  await onBoth(port, '/close-extra');
  // The balancer hears of the last close after the app has answered: wait until it has acted.
  let last = '';
  for (const end = Date.now() + 5000; Date.now() < end && (last = await tryConnect('127.0.0.1', extra)) !== 'ECONNREFUSED';) await new Promise((r) => setTimeout(r, 20));
  seen.push(last);
  await onBoth(port, '/open-extra');
  seen.push(await tryConnect('127.0.0.1', extra));
  return seen;
}

test('the extra port closes when every worker closed it and opens again on listen(), as under Node\'s cluster', async () => {
  const [clusterPort, clusterExtra] = [await freePort(), await freePort()];
  const ref = spawn(process.execPath, [fixture('node-cluster.js')], {
    env: { ...process.env, APP: fixture('extra-port-app.js'), APP_PORT: String(clusterPort), EXTRA_PORT: String(clusterExtra) }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let refOut = '';
  ref.stdout!.on('data', (d) => { refOut += d; });
  const refExit = new Promise((r) => ref.once('exit', r));
  let underCluster: string[];
  try {
    await waitFor(() => (refOut.match(/app listening/g) ?? []).length === 2, 10000, `Node's cluster to listen:\n${refOut}`);
    underCluster = await lifecycle(clusterPort, clusterExtra);
  } finally {
    ref.kill('SIGTERM');
    await refExit;
  }
  assert.deepEqual(underCluster, ['connected', 'connected', 'ECONNREFUSED', 'connected']);

  const dir = mkdtempSync(join(tmpdir(), 'portplex-close-'));
  const sock = join(dir, 'admin.sock');
  const [port, extra] = [await freePort(), await freePort()];
  const cli = runCli(['-w', '2', '--grace', '2000', '--admin', sock, fixture('extra-port-app.js')], { APP_PORT: String(port), EXTRA_PORT: String(extra) });
  try {
    await waitFor(() => /2\/2 workers ready/.test(cli.output()) && (cli.output().match(/app listening/g) ?? []).length === 2, 10000, `ready workers in:\n${cli.output()}`);
    const listeners = async () => JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout).listeners.map((l: any) => [l.index, l.port, l.closed]);
    const before = await listeners();
    assert.deepEqual(await lifecycle(port, extra), underCluster, 'the same as under Node\'s cluster');
    assert.deepEqual(await listeners(), before, 'bound again under its old index');
    assert.equal((cli.output().match(new RegExp(`listening on 127\\.0\\.0\\.1:${extra} `, 'g')) ?? []).length, 2, 'announced when bound, and when bound again');
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
    rmSync(dir, { recursive: true, force: true });
  }
});
