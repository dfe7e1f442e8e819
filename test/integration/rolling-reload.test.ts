// Rolling reload: new processes replace old ones one at a time with zero failed connections;
// a new process that never becomes ready is killed and the old one kept.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, fixture, get, runCli, startMaster, waitFor } from '../helpers/cluster.js';

/** Clients making new connections back to back until stopped. */
function steadyLoad(port: number, clients: number): { stop: () => Promise<{ ok: number; failed: string[]; pids: Set<number> }> } {
  let running = true;
  const result = { ok: 0, failed: [] as string[], pids: new Set<number>() };
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      try {
        const r = await get(port, '/');
        if (r.status !== 200) throw new Error(`status ${r.status}`);
        result.pids.add(JSON.parse(r.body).pid);
        result.ok++;
      } catch (err) {
        result.failed.push((err as Error).message);
      }
    }
  });
  return { stop: async () => { running = false; await Promise.all(loops); return result; } };
}

const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

test('reload under continuous new connections: every worker replaced, zero failures, old processes exit', async () => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 2 });
  try {
    const oldPids = master.workers().map((w) => w.pid);
    const load = steadyLoad(port, 4);
    await new Promise((r) => setTimeout(r, 300));
    const result = await master.reload();
    await new Promise((r) => setTimeout(r, 300));
    const seen = await load.stop();
    assert.deepEqual(result, { replaced: [1, 2] });
    assert.deepEqual(seen.failed, [], 'no connection failed during the reload');
    assert.ok(seen.ok > 50, `requests served: ${seen.ok}`);
    const newPids = master.workers().map((w) => w.pid);
    for (const pid of newPids) assert.ok(!oldPids.includes(pid));
    assert.ok(newPids.every((p) => seen.pids.has(p)) && oldPids.every((p) => seen.pids.has(p)), 'old and new processes both served');
    assert.equal(master.stats.droppedTotal, 0);
    await waitFor(() => oldPids.every((p) => !alive(p)), 5000, 'the old processes to finish and exit');
    await waitFor(() => master.table.size === 0, 3000, 'no record left of the old processes');
    assert.deepEqual(master.workers().map((w) => [w.state, w.restarts]), [['ready', 0], ['ready', 0]]);
  } finally {
    await master.stop();
  }
});

test('a new process that never becomes ready is killed; the old one keeps serving', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-reload-'));
  const flag = join(dir, 'broken');
  const { master, port } = await startMaster({ script: fixture('breakable-app.js'), workers: 2, readyTimeout: 800, env: { BROKEN_FLAG: flag } });
  try {
    const before = master.workers().map((w) => w.pid);
    writeFileSync(flag, '');
    const result = await master.reload();
    assert.deepEqual(result.replaced, []);
    assert.equal(result.failed?.worker, 1);
    assert.match(result.failed!.reason, /did not listen within 800 ms/);
    assert.deepEqual(master.workers().map((w) => w.pid), before, 'the old processes stay');
    const replies = await Promise.all([get(port), get(port), get(port), get(port)]);
    assert.deepEqual(new Set(replies.map((r) => JSON.parse(r.body).pid)), new Set(before));
  } finally {
    await master.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGHUP to the CLI master, and `portplex reload`, replace every worker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-hup-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--admin', sock, fixture('http-app.js')]);
  const pids = async (port: number): Promise<Set<number>> => new Set([JSON.parse((await get(port)).body).pid, JSON.parse((await get(port)).body).pid]);
  try {
    const port = await cliPort(cli.output);
    const first = await pids(port);
    cli.child.kill('SIGHUP');
    await waitFor(() => /reloaded workers 1, 2/.test(cli.output()), 10000, `the reload in:\n${cli.output()}`);
    const second = await pids(port);
    for (const pid of second) assert.ok(!first.has(pid));
    const command = runCli(['reload', '--admin', sock]);
    assert.equal((await command.exited).code, 0, command.output());
    assert.equal(command.output(), 'reloaded workers 1, 2\n');
    for (const pid of await pids(port)) assert.ok(!second.has(pid));
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
    rmSync(dir, { recursive: true, force: true });
  }
});
