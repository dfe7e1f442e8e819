// The admin socket's start: a stale socket file is replaced, a live one is left to its master,
// and a start that fails leaves nothing listening (a listening server would keep the process
// from exiting after its stop).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startAdminServer } from '../../../src/admin/server.js';
import type { Master } from '../../../src/master/master.js';
import { needsRoot } from '../../helpers/root.js';

/** No command reaches it in these tests. */
const master = {} as Master;

function listening(path: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(path, () => resolve(s));
  });
}

function connects(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(path);
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

const SERVER_MODULE = new URL('../../../src/admin/server.js', import.meta.url).href;

/** Runs `code` (an ES module) in a node of its own; a hang past 30 s is a failure, not a wait. */
function node(code: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('startAdminServer', () => {
  test('binds a fresh path with mode 0600 in a 0700 directory, and close() frees it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portplex-admin-'));
    const path = join(dir, 'run', 'admin.sock');
    try {
      const admin = await startAdminServer(master, path);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, 'run')).mode & 0o777, 0o700);
      assert.equal(await connects(path), true);
      await admin.close();
      assert.equal(await connects(path), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a stale socket file (nobody answers there) is replaced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portplex-admin-'));
    const path = join(dir, 'admin.sock');
    try {
      // A socket file left by a process that was killed (a clean close would unlink it).
      const killed = node(`import net from 'node:net'; net.createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'));`);
      assert.equal(killed.status, null);
      assert.ok(statSync(path).isSocket(), 'the stale file is there');
      const admin = await startAdminServer(master, path);
      assert.equal(await connects(path), true);
      await admin.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a live socket is refused, left to its owner, and nothing of the attempt stays open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portplex-admin-'));
    const path = join(dir, 'admin.sock');
    const other = await listening(path);
    try {
      // In a process of its own, which must then exit by itself: a server left listening by the
      // failed start would keep it alive (a master that never exits after its stop).
      const refused = node(`import { startAdminServer } from ${JSON.stringify(SERVER_MODULE)};
        startAdminServer({}, ${JSON.stringify(path)}).then(() => console.log('started'), (err) => console.log(err.message));`);
      assert.equal(refused.status, 0, `exited by itself: ${refused.stderr}`);
      assert.match(refused.stdout, /another portplex master is using the admin socket .*admin\.sock; give this one its own with --admin <path>/);
      let served = 0;
      other.on('connection', (s) => { served++; s.destroy(); });
      assert.equal(await connects(path), true, 'the owner still answers on its path');
      assert.equal(served, 1);
    } finally {
      await new Promise((r) => other.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a step that fails after the bind closes the socket: the process still exits by itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portplex-admin-'));
    const path = join(dir, 'admin.sock');
    try {
      // chmod fails as it does when another process unlinked the fresh socket file meanwhile.
      const r = node(`import fs from 'node:fs';
        import { syncBuiltinESMExports } from 'node:module';
        fs.chmodSync = () => { throw Object.assign(new Error('ENOENT: no such file or directory, chmod'), { code: 'ENOENT' }); };
        syncBuiltinESMExports();
        const { startAdminServer } = await import(${JSON.stringify(SERVER_MODULE)});
        startAdminServer({}, ${JSON.stringify(path)}).then(() => console.log('started'), (err) => console.log(err.message));`);
      assert.equal(r.status, 0, `exited by itself (status ${r.status}): ${r.stderr}`);
      assert.match(r.stdout, /^ENOENT: no such file or directory, chmod$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file at the path that is not a socket is left there: refused, never unlinked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portplex-admin-'));
    const path = join(dir, 'admin.sock');
    try {
      writeFileSync(path, 'not yours to remove\n');
      await assert.rejects(startAdminServer(master, path), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'PORTPLEX_UNSAFE_ADMIN_PATH');
        assert.match(err.message, /admin\.sock is taken by something that is not a socket/);
        return true;
      });
      assert.equal(readFileSync(path, 'utf8'), 'not yours to remove\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('another user\'s stale socket at the path is left there: refused', async () => {
    needsRoot('it chowns a socket to another user');
    const dir = mkdtempSync(join(tmpdir(), 'portplex-admin-'));
    const path = join(dir, 'admin.sock');
    try {
      const killed = node(`import net from 'node:net'; net.createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'));`);
      assert.equal(killed.status, null);
      chownSync(path, 65534, 65534);
      await assert.rejects(startAdminServer(master, path), /admin\.sock belongs to uid 65534, not to this master's user \(uid 0\)/);
      assert.equal(statSync(path).uid, 65534, 'still there');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an --admin directory others can write (0777, not sticky) refuses the start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portplex-admin-'));
    try {
      const open = join(dir, 'open');
      mkdirSync(open, { mode: 0o777 });
      chmodSync(open, 0o777);
      await assert.rejects(startAdminServer(master, join(open, 'admin.sock')), (err: Error & { code?: string }) => err.code === 'PORTPLEX_UNSAFE_ADMIN_PATH' && /has mode 0777: other users can replace the socket/.test(err.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
