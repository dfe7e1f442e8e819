// A master that stops while `portplex events --follow` follows it: the follower prints the stop
// event when it comes in time, then says the master went away and exits with the status
// `portplex status` has for a master that is not running.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, cliPort, fixture, portplex, runCli, waitFor } from '../helpers/cluster.js';

test('events --follow: the master stops, the follower says so and exits as status does without a master', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-events-gone-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '1', '-l', '127.0.0.1:0', '--admin', sock, fixture('hold.js')]);
  await cliPort(cli.output);
  const follower = spawn(process.execPath, [CLI, 'events', '--follow', '--admin', sock], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  follower.stdout.on('data', (d) => { out += d; });
  follower.stderr.on('data', (d) => { err += d; });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => follower.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    await waitFor(() => /  ready {10}worker 1 \(pid \d+\) is ready$/m.test(out), 15_000, `worker 1's ready on the follower's stdout:\n${out}${err}`);
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0);
    const ended = await exited;
    const status = await portplex('status', '--admin', sock);
    assert.equal(status.code, 1, status.stderr);
    assert.deepEqual(ended, { code: status.code, signal: null });
    assert.match(err, new RegExp(`^portplex: the master at ${sock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} went away while its events were followed: no portplex master answers there now \\[PORTPLEX_NOT_RUNNING\\]\\n$`));
    // Only whole event lines before it: the two of the start, then what the stop recorded in time.
    const lines = out.split('\n').filter((l) => l !== '');
    assert.deepEqual(lines.slice(0, 2).map((l) => l.split(/\s+/)[1]), ['start', 'ready']);
    for (const l of lines.slice(2)) assert.match(l, /^\d\d:\d\d:\d\d\.\d{3}  (stop|exit) +\S/);
  } finally {
    follower.kill('SIGKILL');
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
