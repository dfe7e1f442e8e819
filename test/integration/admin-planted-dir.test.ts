// Another user made the default admin directory first ($TMPDIR/portplex-<uid>, no
// XDG_RUNTIME_DIR), or planted a symlink there: the master refuses to start before it binds
// anything, and `portplex status` says what is wrong instead of "not running".
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, fixture, runCli } from '../helpers/cluster.js';
import { needsRoot } from '../helpers/root.js';

const root = process.geteuid?.() === 0;

function withEnv(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env }, (err, _stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code) : 0, stderr });
    });
  });
}

test('a default admin directory of uid 65534, then a symlink there: master and status refuse with PORTPLEX_UNSAFE_ADMIN_PATH', async () => {
  needsRoot('it chowns a directory to another user');
  const tmp = mkdtempSync(join(tmpdir(), 'portplex-planted-'));
  chmodSync(tmp, 0o1777);
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
  delete env.XDG_RUNTIME_DIR;
  const planted = join(tmp, 'portplex-0');
  try {
    mkdirSync(planted, { mode: 0o700 });
    chownSync(planted, 65534, 65534);
    const status = await withEnv(env, 'status');
    assert.equal(status.code, 2, status.stderr);
    assert.equal(status.stderr, `portplex: the admin socket directory ${planted} belongs to uid 65534, not to you (uid 0): another user may have made it; remove it (rm -r ${planted}) and start again, or set XDG_RUNTIME_DIR to a directory of your own, or give --admin <path> in one [PORTPLEX_UNSAFE_ADMIN_PATH]\n`);

    const master = runCli(['-w', '1', '-l', '127.0.0.1:0', fixture('http-app.js')], env);
    assert.deepEqual(await master.exited, { code: 2, signal: null });
    assert.match(master.output(), /admin socket directory .*portplex-0 belongs to uid 65534.*\[PORTPLEX_UNSAFE_ADMIN_PATH\]/);
    assert.doesNotMatch(master.output(), /listening on|workers ready/, 'refused before anything started');

    // A symlink to a directory everybody can write: followed before, the socket made in there.
    rmSync(planted, { recursive: true });
    const open = join(tmp, 'open');
    mkdirSync(open);
    chmodSync(open, 0o1777);
    symlinkSync(open, planted);
    const again = runCli(['-w', '1', '-l', '127.0.0.1:0', fixture('http-app.js')], env);
    assert.deepEqual(await again.exited, { code: 2, signal: null });
    assert.match(again.output(), /admin socket directory .*portplex-0 is a symbolic link/);
    assert.deepEqual(readdirSync(open), [], 'nothing made through the link');
    const linked = await withEnv(env, 'reload');
    assert.equal(linked.code, 2);
    assert.match(linked.stderr, /is a symbolic link: .*\[PORTPLEX_UNSAFE_ADMIN_PATH\]\n$/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
