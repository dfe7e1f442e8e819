// A master restart under load, as `systemctl restart` does it (SIGTERM, wait for the exit, start
// again), with the listening socket held outside the master as a .socket unit holds it: the
// connections made while no master runs wait in the socket's queue for the next one, so none is
// refused nor reset. The same restart of a master that binds its own address refuses every
// connection made between the old master's close and the new one's bind. Both figures are shown.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { CLI, fixture, freePort, get, waitFor } from '../helpers/cluster.js';
import { socketActivate } from '../helpers/socket-activate.js';

const CLIENTS = 4;
/** Answers each master serves under load before (and after) the restart. */
const BETWEEN = 150;

interface Load {
  ok: () => number;
  stop(): Promise<{ ok: number; refused: number; failed: string[]; slowestMs: number }>;
}

/** CLIENTS loops of GET on a new connection each, counting refused connections apart from other failures. */
function load(port: number): Load {
  let ok = 0;
  let refused = 0;
  let slowestMs = 0;
  const failed: string[] = [];
  let running = true;
  const loops = Array.from({ length: CLIENTS }, async () => {
    while (running) {
      const t0 = Date.now();
      try {
        const r = await get(port);
        if (r.status === 200) ok++;
        else failed.push(`status ${r.status}`);
      } catch (err) {
        if (/ECONNREFUSED/.test((err as Error).message)) refused++;
        else failed.push((err as Error).message);
      }
      slowestMs = Math.max(slowestMs, Date.now() - t0);
    }
  });
  return {
    ok: () => ok,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return { ok, refused, failed, slowestMs };
    },
  };
}

/** Runs the holder (under systemd-socket-activate when `activated`), restarts its master once under load. */
async function restartUnderLoad(t: TestContext, activated: boolean): Promise<{ ok: number; refused: number; failed: string[]; slowestMs: number; restartMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-restart-'));
  const port = await freePort();
  // The same master command line both ways: with a socket passed, its -l matches it by address.
  const master = [CLI, '-w', '2', '-l', `127.0.0.1:${port}`, '--grace', '5000', '--admin', join(dir, 'admin.sock'), fixture('http-app.js')];
  const holder = [process.execPath, fixture('socket-holder.js'), ...master];
  let out = '';
  const run = activated
    ? await socketActivate([`127.0.0.1:${port}`], holder)
    : (() => {
      const child = spawn(holder[0]!, holder.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d) => { out += d; });
      child.stderr!.on('data', (d) => { out += d; });
      return { child, output: () => out, exited: new Promise<unknown>((resolve) => child.on('exit', resolve)) };
    })();
  const ready = (): number => (run.output().match(/workers ready in/g) ?? []).length;
  let l: Load | undefined;
  try {
    // Under systemd-socket-activate, this first connection starts the holder.
    if (activated) void get(port);
    await waitFor(() => ready() === 1, 15000, `the first master in:\n${run.output()}`);
    l = load(port);
    await waitFor(() => l!.ok() >= BETWEEN, 20000, 'answers before the restart');
    const t0 = Date.now();
    run.child.kill('SIGUSR2');
    await waitFor(() => ready() === 2, 20000, `the second master in:\n${run.output()}`);
    const restartMs = Date.now() - t0;
    const at = l.ok();
    await waitFor(() => l!.ok() >= at + BETWEEN, 20000, 'answers after the restart');
    const r = await l.stop();
    assert.match(run.output(), /holder: run 1 exited with 0/, 'the first master stopped cleanly');
    assert.equal((run.output().match(activated ? /\(tcp, from systemd\)/g : /\(tcp\) ->/g) ?? []).length, 2, `both masters ${activated ? 'took the socket' : 'bound'}:\n${run.output()}`);
    t.diagnostic(`${activated ? 'socket held outside' : 'master binds itself'}: ${r.ok} answered, ${r.refused} refused, ${r.failed.length} failed otherwise; restart ${restartMs} ms, slowest request ${r.slowestMs} ms`);
    return { ...r, restartMs };
  } finally {
    await l?.stop();
    run.child.kill('SIGTERM');
    await run.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a master restart under load with the socket held outside refuses nothing; the same restart of a master that binds refuses some', async (t) => {
  const held = await restartUnderLoad(t, true);
  assert.equal(held.refused, 0, 'no connection refused while the socket is held');
  assert.deepEqual(held.failed, [], 'and none failed otherwise');
  const bound = await restartUnderLoad(t, false);
  assert.ok(bound.refused > 0, `a master that binds its own address refuses connections while it restarts (${bound.refused} refused)`);
  // Not asserted: the old master's close of its own socket may also reset the rare connection
  // the kernel completed in the microseconds before it (see Listener.closeQuietly).
  if (bound.failed.length > 0) t.diagnostic(`master binds itself, other failures: ${[...new Set(bound.failed)].join(', ')}`);
});
