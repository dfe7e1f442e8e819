// The CLI as a container's PID 1: `unshare --pid --fork --mount-proc` (root here and on CI; a
// refusal fails the test, saying why). The master warns once that orphans are not reaped, serves,
// still heeds SIGHUP (a PID 1 gets no signal it has no handler for), refuses an upgrade (its exit
// would end the namespace, the new master too), and stops cleanly on a SIGTERM sent from outside
// the namespace, as `docker stop` sends it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, ROOT, cliPort, fixture, get, waitFor } from '../helpers/cluster.js';

/** The pid (in this namespace) of `parent`'s child, or 0 if it has none. */
function childOf(parent: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return 0;
}

/** The pids of `pid` in its namespaces, outermost first (/proc/<pid>/status, NSpid). */
function nsPids(pid: number): number[] {
  const line = /^NSpid:\s*(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';
  return line.trim().split(/\s+/).map(Number);
}

const count = (text: string, re: RegExp): number => text.match(new RegExp(re.source, 'g'))?.length ?? 0;

test('as PID 1 the master warns once, serves, reloads on SIGHUP, refuses an upgrade, and stops on SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-pid1-'));
  const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, CLI, '-w', '2', '-l', '127.0.0.1:0', '--admin', join(dir, 'admin.sock'), fixture('http-app.js')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const spawnError = new Promise<never>((_, reject) => child.on('error', (err) => reject(new Error(`cannot run unshare (util-linux): ${err.message}`))));
  let init = 0;
  t.after(() => {
    // Killing the namespace's PID 1 ends every process in it.
    if (init > 0) try { process.kill(init, 'SIGKILL'); } catch { /* gone */ }
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const early = exited.then(({ code, signal }) => { throw new Error(`unshare ended (exit ${code}, signal ${signal}) before the master was ready; this test needs root for a PID namespace:\n${out}`); });
  const port = await Promise.race([cliPort(() => out, 20000), early, spawnError]);
  early.catch(() => {});
  init = childOf(child.pid!);
  assert.ok(init > 0, `unshare (pid ${child.pid}) has a child`);
  assert.equal(nsPids(init).at(-1), 1, 'the master is PID 1 of its namespace');
  assert.match(out, /master pid 1, 2 x /);
  assert.equal(count(out, /running as PID 1: processes orphaned by a worker's exit stay zombies/), 1, out);
  assert.match(out, /portplex: running as PID 1: .*`docker run --init`, tini or dumb-init as the ENTRYPOINT/);

  const first = await get(port, '/');
  assert.equal(first.status, 200);
  assert.ok([1, 2].includes((JSON.parse(first.body) as { worker: number }).worker), first.body);

  process.kill(init, 'SIGHUP');
  await waitFor(() => /reloaded workers 1, 2/.test(out), 20000, `the reload's line in:\n${out}`);
  assert.equal((await get(port, '/')).status, 200);

  process.kill(init, 'SIGUSR2');
  await waitFor(() => /upgrade failed, this master goes on serving: this master is PID 1/.test(out), 10000, `the refused upgrade in:\n${out}`);
  assert.doesNotMatch(out, /serves now/);
  assert.equal((await get(port, '/')).status, 200);

  process.kill(init, 'SIGTERM');
  const end = await exited;
  assert.deepEqual(end, { code: 0, signal: null }, out);
  assert.match(out, /SIGTERM, draining/);
  assert.match(out, /stopped cleanly/);
  assert.equal(count(out, /running as PID 1/), 1, 'said once, not again on the reload');
  init = 0;
});
