// Each worker exit is logged with what ended it: its exit code, said to be its own when it
// exited by itself, or the signal, said to be from outside when portplex did not send it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, get, runCli, waitFor } from '../helpers/cluster.js';

test('exit 0 by itself, exit 3 and a SIGKILL from outside are each logged as what they were', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-exit-'));
  // Three quick exits in a row count as unstable starts: --max-restarts keeps them restarts.
  const cli = runCli(['-w', '1', '-l', '127.0.0.1:0', '--max-restarts', '10', '--grace', '2000', '--admin', join(dir, 'admin.sock'), fixture('exit-app.js')]);
  const exits = (): string[] => [...cli.output().matchAll(/^portplex: worker 1 \(pid (\d+)\) (.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);
  try {
    await waitFor(() => /1\/1 workers ready/.test(cli.output()), 10000, `the worker ready in:\n${cli.output()}`);
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(cli.output())![1]);
    const pids: string[] = [];
    // Each request waits in the master while the worker restarts: it is served by the next process.
    pids.push((await get(port, '/')).body);
    assert.equal((await get(port, '/exit?code=0')).body, 'bye');
    await waitFor(() => exits().length === 1, 5000, `the first exit in:\n${cli.output()}`);
    pids.push((await get(port, '/')).body);
    assert.equal((await get(port, '/exit?code=3')).body, 'bye');
    await waitFor(() => exits().length === 2, 5000, `the second exit in:\n${cli.output()}`);
    pids.push((await get(port, '/')).body);
    process.kill(Number(pids[2]), 'SIGKILL');
    await waitFor(() => exits().length === 3, 5000, `the third exit in:\n${cli.output()}`);
    assert.deepEqual(exits(), [
      `${pids[0]} exited with code 0 by itself`,
      `${pids[1]} exited with code 3`,
      `${pids[2]} was killed by SIGKILL from outside portplex`,
    ], cli.output());
    assert.doesNotMatch(cli.output(), /IPC channel/, 'a process that exits is not taken for one that lost its channel');
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
    rmSync(dir, { recursive: true, force: true });
  }
});
