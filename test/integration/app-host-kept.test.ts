// An app that listens on 127.0.0.1 only (or localhost) is reachable there and not on another
// local address (127.0.0.2), under portplex with no -l exactly as under Node's cluster module,
// which the test runs side by side as the reference.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fixture, freePort, runCli, tryConnect, waitFor } from '../helpers/cluster.js';

for (const host of ['127.0.0.1', 'localhost']) {
  test(`listen(port, '${host}'): 127.0.0.1 connects and 127.0.0.2 is refused, under Node's cluster and under portplex`, async () => {
    // Node's cluster: the reference behaviour.
    const clusterPort = await freePort();
    const ref = spawn(process.execPath, [fixture('node-cluster.js')], {
      env: { ...process.env, APP: fixture('host-app.js'), APP_PORT: String(clusterPort), APP_HOST: host }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let refOut = '';
    ref.stdout!.on('data', (d) => { refOut += d; });
    const refExit = new Promise((r) => ref.once('exit', r));
    let underCluster: string[];
    try {
      await waitFor(() => /cluster ready/.test(refOut), 10000, `Node's cluster to listen:\n${refOut}`);
      underCluster = [await tryConnect('127.0.0.1', clusterPort), await tryConnect('127.0.0.2', clusterPort)];
    } finally {
      ref.kill('SIGTERM');
      await refExit;
    }
    assert.deepEqual(underCluster, ['connected', 'ECONNREFUSED'], 'Node\'s cluster binds the host the app gave');

    const port = await freePort();
    const cli = runCli(['-w', '2', '--grace', '2000', fixture('host-app.js')], { APP_PORT: String(port), APP_HOST: host });
    try {
      await waitFor(() => /2\/2 workers ready/.test(cli.output()) && (cli.output().match(/app listening on/g) ?? []).length === 2, 10000, `ready workers in:\n${cli.output()}`);
      assert.match(cli.output(), new RegExp(`listening on 127\\.0\\.0\\.1:${port} \\(tcp\\) -> group default, round-robin, asked by the app`));
      assert.match(cli.output(), new RegExp(`app listening on 127\\.0\\.0\\.1:${port}`), 'server.address() is the address the master bound');
      assert.deepEqual([await tryConnect('127.0.0.1', port), await tryConnect('127.0.0.2', port)], underCluster, 'the same as under Node\'s cluster');
    } finally {
      cli.child.kill('SIGTERM');
      assert.equal((await cli.exited).code, 0, cli.output());
    }
  });
}
