// A worker killed with SIGKILL: `portplex events` (the real CLI, over the admin socket) shows its
// exit, its restart, the new process's start and its ready, in that order, with the old pid on the
// first two and the new pid on the last two; each message is the line the master logged.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LifecycleEvent } from '../../src/event-kinds.js';
import { cliPort, fixture, portplex, runCli } from '../helpers/cluster.js';

/** The events after `since`, as `portplex events --json` prints them. */
async function eventsSince(sock: string, since: number): Promise<LifecycleEvent[]> {
  const r = await portplex('events', '--json', '--since', String(since), '--admin', sock);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as LifecycleEvent);
}

async function workerPids(sock: string): Promise<Map<number, number>> {
  const r = await portplex('status', '--json', '--admin', sock);
  assert.equal(r.code, 0, r.stderr);
  return new Map((JSON.parse(r.stdout) as { workers: Array<{ id: number; pid: number }> }).workers.map((w) => [w.id, w.pid]));
}

test('SIGKILL of worker 1: events exit, restart, start, ready for it, in order, with its old and new pid', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-events-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--admin', sock, fixture('hold.js')]);
  try {
    await cliPort(cli.output);
    const before = await eventsSince(sock, 0);
    // The start: both workers started, then ready; nothing else yet.
    assert.deepEqual(before.map((e) => e.seq), [1, 2, 3, 4]);
    assert.deepEqual(before.map((e) => e.kind).sort(), ['ready', 'ready', 'start', 'start']);
    const since = before.at(-1)!.seq;
    const old = (await workerPids(sock)).get(1)!;

    process.kill(old, 'SIGKILL');
    // Until the new process's ready is among the events (a worker restarts within a second).
    let after: LifecycleEvent[] = [];
    const end = Date.now() + 20_000;
    while (!after.some((e) => e.kind === 'ready' && e.worker === 1)) {
      assert.ok(Date.now() < end, `no ready event for worker 1 after its SIGKILL; events: ${JSON.stringify(after)}`);
      await new Promise((r) => setTimeout(r, 100));
      after = await eventsSince(sock, since);
    }
    const fresh = (await workerPids(sock)).get(1)!;
    assert.notEqual(fresh, old);

    // Exactly these four, nothing about worker 2, seq numbers following on from the start's.
    assert.deepEqual(after.map((e) => [e.seq, e.kind, e.worker, e.pid, e.group]), [
      [since + 1, 'exit', 1, old, 'default'],
      [since + 2, 'restart', 1, old, 'default'],
      [since + 3, 'start', 1, fresh, 'default'],
      [since + 4, 'ready', 1, fresh, 'default'],
    ]);
    const [exit, restart, start, ready] = after as [LifecycleEvent, LifecycleEvent, LifecycleEvent, LifecycleEvent];
    assert.equal(exit.message, `worker 1 (pid ${old}) was killed by SIGKILL from outside portplex`);
    assert.match(restart.message, new RegExp(`^worker 1 restarts (now|in \\d+ ms), replacing pid ${old}`));
    assert.equal(start.message, `worker 1 (pid ${fresh}) started`);
    assert.equal(ready.message, `worker 1 (pid ${fresh}) is ready`);
    for (let i = 1; i < after.length; i++) assert.ok(after[i]!.at >= after[i - 1]!.at, 'times in seq order');
    // The log says the exit in the same words.
    assert.ok(cli.output().includes(`portplex: ${exit.message}\n`), cli.output());

    // The text: local time, the kind padded, the message.
    const text = await portplex('events', '--since', String(since), '--admin', sock);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n').filter((l) => l !== '');
    assert.deepEqual(lines.map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d{3}  /, '')), after.map((e) => `${e.kind.padEnd(13)}  ${e.message}`));
    // --limit keeps the newest.
    const two = await portplex('events', '--json', '--limit', '2', '--admin', sock);
    assert.deepEqual(two.stdout.split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as LifecycleEvent).seq), [since + 3, since + 4]);
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
