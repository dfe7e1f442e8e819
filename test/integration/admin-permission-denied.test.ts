// A command run as another user than the master (nobody, against root's socket in its 0700
// directory) says "permission denied" and names the socket, not "not running".
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, cliPort, fixture, runCli } from '../helpers/cluster.js';
import { needsRoot } from '../helpers/root.js';

const runuser = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', '0']).status === 0;

function asNobody(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('runuser', ['-u', 'nobody', '--', process.execPath, CLI, ...args], (err, _stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code) : 0, stderr });
    });
  });
}

test('status as nobody against root\'s admin socket: PORTPLEX_PERMISSION_DENIED naming it', async () => {
  needsRoot('it runs a command as nobody');
  assert.ok(runuser, 'runuser -u nobody does not work here (util-linux)');
  const dir = mkdtempSync(join(tmpdir(), 'portplex-denied-'));
  const sock = join(dir, 'run', 'admin.sock');
  const master = runCli(['-w', '1', '-l', '127.0.0.1:0', '--admin', sock, fixture('http-app.js')]);
  try {
    await cliPort(master.output);
    const r = await asNobody('status', '--admin', sock);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, `portplex: cannot reach the admin socket ${sock}: permission denied (EACCES); run the command as the user of the master (or root) [PORTPLEX_PERMISSION_DENIED]\n`);
  } finally {
    master.child.kill('SIGTERM');
    await master.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
