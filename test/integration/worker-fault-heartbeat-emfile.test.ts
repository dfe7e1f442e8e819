// A worker with no descriptor left: portplex's heartbeat (process.memoryUsage opens /proc to read
// the resident set size) fails with EMFILE, and a connection handed over arrives without its
// descriptor (the kernel cannot install it). The application's process must go on: the heartbeat
// answered without the figure, the connection refused (not left unanswered until the master kills
// the process as hung), both counted and told to the master.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

test('a heartbeat under EMFILE is a counted fault, not the death of the application', async () => {
  const { master, port } = await startMaster({ script: fixture('fd-fill-app.js'), workers: 1, healthInterval: 100, queueTimeout: 1000 });
  // What the master saw, for the assertion messages: a replaced process explains itself.
  const story: string[] = [];
  master.on('log', (line: string) => story.push(line));
  master.on('worker-exit', (w: { pid: number }, how: string) => story.push(`exit: pid ${w.pid} ${how}`));
  const told = (): string => `\n${story.join('\n')}`;
  // waitFor's message is made before the wait: the story is added when it fails.
  const until = (predicate: () => boolean, what: string): Promise<void> =>
    waitFor(predicate, 10000, what).catch((err: Error) => {
      throw new Error(`${err.message}; faults ${JSON.stringify(master.stats.workerFaults)}${told()}`);
    });
  try {
    const before = JSON.parse((await get(port)).body) as { pid: number };
    // Filling a low limit is quick; the master's own limit is untouched.
    execFileSync('prlimit', ['--pid', String(before.pid), '--nofile=256:256']);
    assert.equal((await get(port, '/fill')).status, 200);
    await until(() => master.stats.workerFaults.usage >= 2, 'two heartbeats to fail their usage sample');
    const lines = story.filter((l) => l.includes('failed in usage'));
    assert.equal(lines.length, 1, `logged once per kind${told()}`);
    assert.match(lines[0], /EMFILE/);
    // Answered all the same, without the resident set size.
    assert.equal(master.workers()[0].rssBytes, null);
    assert.equal(master.workers()[0].healthy, true);

    // A connection now reaches the worker without its descriptor: refused, the master closes it.
    const client = net.connect(port, '127.0.0.1');
    let closed = false;
    client.on('error', () => {});
    client.on('close', () => { closed = true; });
    await until(() => closed, 'the connection the worker could not take to be closed');
    assert.ok(master.stats.workerFaults.adopt >= 1, `the lost descriptor counted${told()}`);
    assert.equal(master.workers()[0].pid, before.pid, `not killed as hung${told()}`);

    process.kill(before.pid, 'SIGUSR2');
    // Given back when the process holds few descriptors again (a request now would race the signal).
    await until(() => readdirSync(`/proc/${before.pid}/fd`).length < 64, 'the descriptors to be given back');
    const after = JSON.parse((await get(port)).body) as { pid: number };
    assert.equal(after.pid, before.pid, `the same process serves after the shortage${told()}`);
    assert.equal(master.workers()[0].restarts, 0, told());
    assert.equal(master.stats.workerFaults.heartbeat, 0, `the heartbeat itself did not fail${told()}`);
  } finally {
    await master.stop();
  }
});
