// An upgrade that cannot start its new master (a config file that no longer validates, a script
// that crashes at start) fails with a nonzero exit and a message naming the cause, and the old
// master goes on serving, unchanged; once the config is right again, the upgrade goes through.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clientLoop } from '../helpers/client-loop.js';
import { alive, cliPort, fixture, portplex, runCli, waitFor } from '../helpers/cluster.js';

test('a failed upgrade names its cause, exits nonzero, and leaves the old master serving', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-upgrade-fails-'));
  const sock = join(dir, 'admin.sock');
  const file = join(dir, 'portplex.json');
  const config = { script: fixture('http-app.js'), workers: 2, grace: 3000, listen: '127.0.0.1:0', maxRestarts: 0 };
  writeFileSync(file, JSON.stringify(config));
  const cli = runCli(['-c', file, '--admin', sock]);
  let current = cli.child.pid!;
  let loop: ReturnType<typeof clientLoop> | undefined;
  try {
    const port = await cliPort(cli.output);
    loop = clientLoop(port, 4);
    const cases: Array<[string, string, RegExp]> = [
      ['a script that does not exist', JSON.stringify({ ...config, script: join(dir, 'missing.js') }), /PORTPLEX_SCRIPT_NOT_FOUND.*missing\.js|missing\.js.*PORTPLEX_SCRIPT_NOT_FOUND/],
      ['a config file that is not JSON', '{ "workers": 2', /not valid JSON.*PORTPLEX_CONFIG_FILE/],
      ['a script that crashes at start', JSON.stringify({ ...config, script: fixture('crash.js') }), /PORTPLEX_CRASH_LOOP/],
    ];
    for (const [what, text, cause] of cases) {
      writeFileSync(file, text);
      const r = await portplex('upgrade', '--admin', sock);
      assert.notEqual(r.code, 0, `${what}: exit status`);
      assert.match(r.stderr, /PORTPLEX_ADMIN_UPGRADE_FAILED/, what);
      assert.match(r.stderr, cause, what);
      assert.match(r.stderr, new RegExp(`the master \\(pid ${current}\\) goes on serving`), what);
      const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { pid: number; workers: Array<{ state: string }> };
      assert.equal(status.pid, current, `${what}: the old master answers`);
      assert.deepEqual(status.workers.map((w) => w.state), ['ready', 'ready']);
      const before = loop.ok();
      await waitFor(() => loop!.ok() >= before + 20, 10000, `answers after ${what}`);
    }
    writeFileSync(file, JSON.stringify(config));
    const r = await portplex('upgrade', '--json', '--admin', sock);
    assert.equal(r.code, 0, r.stderr);
    const old = current;
    current = (JSON.parse(r.stdout) as { pid: number }).pid;
    await waitFor(() => !alive(old), 20000, 'the old master to exit');
    await loop.stop();
    assert.deepEqual(loop.failures(), [], `${loop.failures().length} requests failed`);
  } finally {
    await loop?.stop();
    if (alive(current)) process.kill(current, 'SIGTERM');
    await waitFor(() => !alive(current), 20000, 'the last master to exit').catch(() => {});
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
