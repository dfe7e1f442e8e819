// --wait-ready: a worker that listens is not ready until its app says so (process.send('ready')
// as under PM2, or ready() from portplex/worker); meanwhile its connections wait in the master.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, get, portplex, runCli, waitFor } from '../helpers/cluster.js';

for (const how of ["process.send('ready')", 'ready()']) {
  test(`--wait-ready: a connection waits in the master until the app calls ${how}, then is served`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portplex-wait-ready-'));
    const sock = join(dir, 'admin.sock');
    const args = ['-w', '1', '-l', '127.0.0.1:0', '--admin', sock, '--wait-ready', fixture('wait-ready-app.js')];
    if (how === 'ready()') args.push('--', '--api');
    const cli = runCli(args, { READY_DIR: dir });
    try {
      let port = 0;
      await waitFor(() => {
        port = Number(/listening on 127\.0\.0\.1:(\d+) /.exec(cli.output())?.[1] ?? 0);
        return port > 0;
      }, 10000, 'the listening line');
      // The worker listens, but has not said it is ready.
      const status = async (): Promise<{ workers: Array<{ state: string; listening: number[] }> }> => JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout);
      const end = Date.now() + 10000;
      let s = await status().catch(() => undefined);
      while (!(s?.workers[0]!.listening.length === 1) && Date.now() < end) s = await status().catch(() => undefined);
      assert.deepEqual(s?.workers.map((w) => [w.state, w.listening]), [['starting', [0]]]);

      let answered = false;
      const reply = get(port, '/first').finally(() => { answered = true; });
      const queued = async (): Promise<number> => (JSON.parse((await portplex('connections', '--state', 'queued', '--json', '--admin', sock)).stdout) as { records: unknown[] }).records.length;
      const until = Date.now() + 10000;
      while ((await queued()) !== 1 && Date.now() < until);
      assert.equal(await queued(), 1, 'the connection waits in the master');
      assert.equal(answered, false);
      assert.doesNotMatch(cli.output(), /workers ready in/);

      writeFileSync(join(dir, 'ready-all'), '');
      const r = await reply;
      assert.equal(r.status, 200);
      assert.equal((JSON.parse(r.body) as { path: string }).path, '/first');
      await waitFor(() => /1\/1 workers ready in/.test(cli.output()), 10000, 'the ready line');
      cli.child.kill('SIGTERM');
      assert.equal((await cli.exited).code, 0, cli.output());
    } finally {
      cli.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
