// --wait-ready and a rolling reload: the new process listens at once, but connections stay with
// the old one until the new one's app says it is ready; then they go to the new one.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, fixture, get, portplex, runCli, waitFor } from '../helpers/cluster.js';

test('--wait-ready: a reload switches to the new process only after it says ready', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-wait-ready-'));
  const sock = join(dir, 'admin.sock');
  const started = (): number[] => readdirSync(dir).filter((f) => f.startsWith('started-')).map((f) => Number(f.slice(8)));
  const cli = runCli(['-w', '1', '-l', '127.0.0.1:0', '--admin', sock, '--wait-ready', fixture('wait-ready-app.js')], { READY_DIR: dir });
  try {
    await waitFor(() => started().length === 1, 10000, 'the first process');
    const [old] = started();
    writeFileSync(join(dir, `ready-${old}`), '');
    const port = await cliPort(cli.output);
    const pidOf = async (): Promise<number> => (JSON.parse((await get(port)).body) as { pid: number }).pid;
    assert.equal(await pidOf(), old);

    let reloaded = false;
    const reload = portplex('reload', '--admin', sock).finally(() => { reloaded = true; });
    await waitFor(() => started().length === 2, 10000, 'the new process');
    const fresh = started().find((p) => p !== old)!;
    // Its app listened before it wrote that file: the master may know it listens, yet it is not ready.
    const during: number[] = [];
    for (let i = 0; i < 5; i++) during.push(await pidOf());
    assert.deepEqual(during, new Array(5).fill(old), 'the old process serves until the new one is ready');
    assert.equal(reloaded, false, 'the reload waits for the new process');

    writeFileSync(join(dir, `ready-${fresh}`), '');
    const r = await reload;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^reloaded worker 1\n$/);
    assert.equal(await pidOf(), fresh);
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
  } finally {
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
