// `portplex events --follow --json` prints the master's events, then a drain made meanwhile with
// `portplex drain`, one JSON object per line, in seq order; SIGTERM ends it with status 0.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LifecycleEvent } from '../../src/event-kinds.js';
import { CLI, cliPort, fixture, portplex, runCli, waitFor } from '../helpers/cluster.js';

test('events --follow --json: the start, then a drain as it happens; SIGTERM exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-events-follow-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--admin', sock, fixture('hold.js')]);
  let follower: ChildProcess | undefined;
  let out = '';
  let err = '';
  const lines = (): LifecycleEvent[] => out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as LifecycleEvent);
  try {
    // The admin socket answers once the listening line is out (cliPort waits for it).
    await cliPort(cli.output);
    follower = spawn(process.execPath, [CLI, 'events', '--follow', '--json', '--admin', sock], { stdio: ['ignore', 'pipe', 'pipe'] });
    follower.stdout!.on('data', (d) => { out += d; });
    follower.stderr!.on('data', (d) => { err += d; });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => follower!.on('exit', (code, signal) => resolve({ code, signal })));
    await waitFor(() => lines().filter((e) => e.kind === 'ready').length === 2 || follower!.exitCode !== null, 15_000, `the two ready events on the follower's stdout:\n${out}${err}`);
    assert.equal(follower.exitCode, null, `the follower ended: ${err}`);
    const drained = await portplex('drain', '2', '--admin', sock);
    assert.equal(drained.code, 0, drained.stderr);
    await waitFor(() => lines().some((e) => e.kind === 'drain'), 10_000, `the drain event on the follower's stdout:\n${out}`);

    follower.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null });
    assert.equal(err, '');
    const events = lines();
    // Every event once, in seq order from 1: the two workers' start and ready, then the drain.
    assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4, 5]);
    assert.deepEqual(events.slice(0, 4).map((e) => e.kind).sort(), ['ready', 'ready', 'start', 'start']);
    const pid2 = events.find((e) => e.kind === 'start' && e.worker === 2)!.pid!;
    const drain = events[4]!;
    assert.deepEqual({ ...drain, at: 0 }, {
      seq: 5, at: 0, kind: 'drain', worker: 2, pid: pid2, group: 'default',
      message: `admin: drain: worker 2 (pid ${pid2}) weight 1 -> 0, draining, 0 active`,
    });
    assert.ok(drain.at >= events[3]!.at);
    // The master logged the same line.
    await waitFor(() => cli.output().includes(`portplex: ${drain.message}\n`), 5000, `the drain line in the master's log:\n${cli.output()}`);
  } finally {
    follower?.kill('SIGKILL');
    cli.child.kill('SIGTERM');
    await cli.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
