// `portplex scale`: new workers start and take connections; removed ones drain, finish their
// open connections, and exit without being restarted.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, firstLine, fixture, portplex, runCli, waitFor } from '../helpers/cluster.js';

const out = async (...args: string[]): Promise<string> => (await portplex(...args)).stdout;

test('scale 2 -> 4 -> 1: new workers serve; removed ones finish their connection and exit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-scale-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--admin', sock, fixture('hold.js')]);
  const open: import('node:net').Socket[] = [];
  try {
    const port = await cliPort(cli.output);
    assert.match(await out('scale', '4', '--admin', sock), /^4 workers: 1 \(ready\), 2 \(ready\), 3 \(starting\), 4 \(starting\)/);
    const status = async (): Promise<any> => JSON.parse(await out('status', '--json', '--admin', sock));
    let s = await status();
    for (let i = 0; i < 50 && !s.workers.every((w: any) => w.state === 'ready'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      s = await status();
    }
    assert.deepEqual(s.workers.map((w: any) => [w.id, w.state]), [[1, 'ready'], [2, 'ready'], [3, 'ready'], [4, 'ready']]);
    const lines: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await firstLine(port);
      open.push(c.socket);
      lines.push(c.line);
    }
    assert.deepEqual(new Set(lines), new Set(['1', '2', '3', '4']), 'the new workers take connections');

    const pid4 = s.workers[3].pid;
    assert.match(await out('scale', '1', '--admin', sock), /^1 worker: 1 \(ready\)/);
    const after: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await firstLine(port);
      open.push(c.socket);
      after.push(c.line);
    }
    assert.deepEqual(after, ['1', '1', '1', '1'], 'removed workers get nothing new');
    // Worker 4 still holds its connection: it finishes it before exiting.
    const held = open[lines.indexOf('4')];
    assert.equal(held.destroyed, false);
    let alive = true;
    try { process.kill(pid4, 0); } catch { alive = false; }
    assert.ok(alive, 'worker 4 is still finishing its connection');
    for (const sk of open) sk.destroy();
    await waitFor(() => { try { process.kill(pid4, 0); return false; } catch { return true; } }, 5000, 'worker 4 to exit');
    s = await status();
    for (let i = 0; i < 50 && s.workers.length !== 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      s = await status();
    }
    assert.deepEqual(s.workers.map((w: any) => [w.id, w.restarts]), [[1, 0]], 'removed workers are gone, not restarted');
    // The master logs each scale, naming what it started and what it removes.
    assert.deepEqual(cli.output().split('\n').filter((l) => l.startsWith('portplex: admin: ')), [
      'portplex: admin: scale: group default runs 4 workers (started 3, 4)',
      'portplex: admin: scale: group default runs 1 worker (removing 2, 3, 4)',
    ]);
  } finally {
    for (const sk of open) sk.destroy();
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
    rmSync(dir, { recursive: true, force: true });
  }
});
