// --node-args reaches every worker's Node: a heap limit the worker's V8 reports, and an --import
// hook (relative to the workers' directory) that ran before the application, in both workers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import v8 from 'node:v8';
import { cliPort, fixture, get, runCli } from '../helpers/cluster.js';

interface Reply {
  execArgv: string[];
  heapLimit: number;
  hook: string | null;
}

/** The heap limit this Node has with --max-old-space-size=123. */
const limit = Number(execFileSync(process.execPath, ['--max-old-space-size=123', '-p', 'v8.getHeapStatistics().heap_size_limit'], { encoding: 'utf8' }).trim());

test('--node-args "--max-old-space-size=123 --import ./test/fixtures/node-args-hook.mjs" in every worker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-node-args-'));
  // runCli's directory is the project root: the hook's relative path resolves from there.
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--admin', join(dir, 'admin.sock'), '--node-args', "--max-old-space-size=123 --import './test/fixtures/node-args-hook.mjs'", fixture('node-args-app.js')]);
  try {
    const port = await cliPort(cli.output);
    const hooks = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const reply = JSON.parse((await get(port)).body) as Reply;
      assert.deepEqual(reply.execArgv.slice(0, 3), ['--max-old-space-size=123', '--import', './test/fixtures/node-args-hook.mjs']);
      // V8 adds the young generation to the 123 MiB, by an amount each Node line chooses: the
      // worker's limit is the one this Node reports for the same option.
      assert.equal(reply.heapLimit, limit);
      assert.notEqual(reply.heapLimit, v8.getHeapStatistics().heap_size_limit);
      assert.match(reply.hook ?? '', /^ran in \d+$/);
      hooks.add(reply.hook!);
    }
    // Two workers, each its own process that ran the hook.
    assert.equal(hooks.size, 2);
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
  } finally {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
