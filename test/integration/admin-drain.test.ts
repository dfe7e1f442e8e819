// `portplex drain` keeps a worker's existing connections alive and sends it no new ones;
// `undrain` brings it back; `weight` sets any weight.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, firstLine, fixture, portplex, runCli, waitFor } from '../helpers/cluster.js';


test('drain 1: its connection lives on, 10 new ones all go to worker 2; undrain: worker 1 serves again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-drain-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--admin', sock, fixture('hold.js')]);
  const open: import('node:net').Socket[] = [];
  try {
    const port = await cliPort(cli.output);
    const first = await firstLine(port);
    open.push(first.socket);
    assert.equal(first.line, '1');

    const drained = await portplex('drain', '1', '--admin', sock);
    assert.equal(drained.code, 0, drained.stderr);
    assert.match(drained.stdout, /^worker 1 \(pid \d+\): weight 0, draining, 1 active\n$/);
    const during: string[] = [];
    for (let i = 0; i < 10; i++) {
      const c = await firstLine(port);
      open.push(c.socket);
      during.push(c.line);
    }
    assert.deepEqual(during, new Array(10).fill('2'), 'a drained worker gets no new connections');
    // The drained worker's connection is still served: it answers an echo of its own.
    assert.equal(first.socket.destroyed, false);
    assert.equal(first.socket.readyState, 'open');

    const back = await portplex('undrain', '1', '--admin', sock, '--json');
    assert.equal(JSON.parse(back.stdout).weight, 1);
    const after = await Promise.all([firstLine(port), firstLine(port)]);
    for (const c of after) open.push(c.socket);
    assert.ok(after.some((c) => c.line === '1'), 'worker 1 takes connections again');

    const w = await portplex('weight', '2', '5', '--admin', sock, '--json');
    assert.equal(JSON.parse(w.stdout).weight, 5);
    const bad = await portplex('weight', '9', '1', '--admin', sock);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /worker: no worker 9; workers are 1, 2/);

    // The master logs each change made over its admin socket, one line each, and no refused one.
    const logged = (): string[] => cli.output().split('\n').filter((l) => l.startsWith('portplex: admin: '));
    await waitFor(() => logged().length >= 3, 5000, `three admin lines in:\n${cli.output()}`);
    const pid = (id: number): string => new RegExp(`portplex: admin: \\w+[^:]*: worker ${id} \\(pid (\\d+)\\)`).exec(cli.output())![1]!;
    assert.deepEqual(logged().map((l) => l.replace(/, \d+ active$/, '')), [
      `portplex: admin: drain: worker 1 (pid ${pid(1)}) weight 1 -> 0, draining`,
      `portplex: admin: undrain: worker 1 (pid ${pid(1)}) weight 0 -> 1`,
      `portplex: admin: weight 5: worker 2 (pid ${pid(2)}) weight 1 -> 5`,
    ]);
    const badArg = await portplex('weight', '1', 'heavy', '--admin', sock);
    assert.equal(badArg.code, 2);
    assert.match(badArg.stderr, /value 'heavy' is invalid for argument 'n'\. expected a whole number >= 0/);
  } finally {
    for (const s of open) s.destroy();
    cli.child.kill('SIGTERM');
    await cli.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
