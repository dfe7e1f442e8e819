// `portplex top` without a terminal: one plain frame of every worker, exit 0. A bad --interval
// names the flag (exit 2); no master, exit 1 as status.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, fixture, portplex, runCli } from '../helpers/cluster.js';

test('top piped: one plain frame with every worker and its events, exit 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-top-pipe-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '4', '-l', '127.0.0.1:0', '--admin', sock, fixture('http-app.js')]);
  try {
    await cliPort(cli.output);
    const r = await portplex('top', '--admin', sock);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.doesNotMatch(r.stdout, /\x1b/);
    const lines = r.stdout.split('\n');
    assert.equal(lines.at(-1), '', 'ends with a newline');
    assert.match(lines[0]!, /^portplex \d+\.\d+\.\d+ +master \d+ serving +up \d+s +4 workers /);
    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { workers: Array<{ id: number; pid: number }> };
    for (const w of status.workers) assert.match(r.stdout, new RegExp(`\\n +${w.id} +default +${w.pid} +ready +up +1 `));
    assert.equal(lines.filter((l) => /^ +\d+ +default +\d+ +ready /.test(l)).length, 4);
    assert.ok(lines.some((l) => /^\d\d:\d\d:\d\d ready +worker 4 \(pid \d+\) is ready$/.test(l)), r.stdout);
    assert.ok(!lines.some((l) => l.startsWith('q quit')), 'no key line in a pipe');
    for (const l of lines) assert.ok([...l].length <= 160, l);
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('top: a bad --interval names the flag (exit 2); no master, exit 1 as status', async () => {
  for (const value of ['fast', '50', '99999999']) {
    const r = await portplex('top', '--interval', value);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`option '--interval <ms>' argument '${value}' is invalid\\. expected a whole number from 100 to 60000`));
  }
  const dir = mkdtempSync(join(tmpdir(), 'portplex-top-none-'));
  try {
    const top = await portplex('top', '--admin', join(dir, 'none.sock'));
    const status = await portplex('status', '--admin', join(dir, 'none.sock'));
    assert.equal(top.code, 1);
    assert.equal(top.code, status.code);
    assert.equal(top.stdout, '');
    assert.match(top.stderr, /^portplex: cannot reach the admin socket .*none\.sock: no portplex master is running there .*\[PORTPLEX_NOT_RUNNING\]\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
