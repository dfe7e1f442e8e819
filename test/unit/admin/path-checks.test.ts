// The admin socket's place must be ours: real directories and sockets, another user's made by
// chown to uid 65534 (nobody); the tests run as root, here and in CI.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkAdminDir, checkAdminSocket } from '../../../src/admin/path-checks.js';
import { prepareAdminDir } from '../../../src/admin/socket-path.js';
import { needsRoot } from '../../helpers/root.js';

const NOBODY = 65534;
const root = process.geteuid?.() === 0;
const base = mkdtempSync(join(tmpdir(), 'portplex-checks-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

/** A fresh directory under the test's own, with `mode`. */
function dir(mode = 0o700): string {
  const d = join(base, `d${n++}`);
  mkdirSync(d);
  chmodSync(d, mode);
  return d;
}

function listening(path: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(path, () => { chmodSync(path, 0o600); resolve(s); });
  });
}

/** The code and message of what `fn` throws. */
function thrown(fn: () => void): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  return { code: 'none', message: '' };
}

describe('checkAdminDir, the default directory (strict)', () => {
  const cases: Array<{ name: string; make: () => string; expected: RegExp; rootOnly?: boolean }> = [
    { name: 'a symbolic link to a directory', make: () => { const l = join(base, `l${n++}`); symlinkSync(dir(), l); return l; }, expected: /is a symbolic link: .*remove the link/ },
    { name: 'a file', make: () => { const f = join(base, `f${n++}`); writeFileSync(f, ''); return f; }, expected: /is not a directory/ },
    { name: 'mode 0755', make: () => dir(0o755), expected: /has mode 0755, not 0700: .*chmod 700/ },
    { name: 'mode 0770', make: () => dir(0o770), expected: /has mode 0770, not 0700/ },
    { name: 'mode 0500 (no socket can be made)', make: () => dir(0o500), expected: /has mode 0500, not 0700/ },
    { name: 'another user\'s, mode 0700', make: () => { const d = dir(); chownSync(d, NOBODY, NOBODY); return d; }, expected: /belongs to uid 65534, not to you \(uid 0\): .*rm -r .*XDG_RUNTIME_DIR.*--admin <path>/, rootOnly: true },
  ];
  for (const c of cases) {
    test(`${c.name}: PORTPLEX_UNSAFE_ADMIN_PATH naming it`, () => {
      if (c.rootOnly) needsRoot('it chowns a directory to another user');
      const d = c.make();
      const e = thrown(() => checkAdminDir(join(d, 'portplex.sock'), true));
      assert.equal(e.code, 'PORTPLEX_UNSAFE_ADMIN_PATH', e.message);
      assert.ok(e.message.startsWith(`the admin socket directory ${d} `), e.message);
      assert.match(e.message, c.expected);
    });
  }

  test('our own 0700 directory passes', () => {
    assert.equal(checkAdminDir(join(dir(), 'portplex.sock'), true).isDirectory(), true);
  });
});

describe('checkAdminDir, the directory of an --admin path', () => {
  test('writable by others without the sticky bit: refused', () => {
    const d = dir(0o777);
    assert.match(thrown(() => checkAdminDir(join(d, 'a.sock'), false)).message, /has mode 0777: other users can replace the socket in it/);
    assert.match(thrown(() => checkAdminDir(join(dir(0o775), 'a.sock'), false)).message, /has mode 0775/);
  });

  test('sticky and world-writable (as /tmp), or 0755 of ours, or a symlink to ours: accepted', () => {
    checkAdminDir(join(dir(0o1777), 'a.sock'), false);
    checkAdminDir(join(dir(0o755), 'a.sock'), false);
    const l = join(base, `l${n++}`);
    symlinkSync(dir(), l);
    checkAdminDir(join(l, 'a.sock'), false);
  });

  test('another user\'s directory: refused, unless we are root and the socket is that user\'s too', () => {
    needsRoot('it chowns a directory to another user');
    const d = dir();
    chownSync(d, NOBODY, NOBODY);
    const e = thrown(() => checkAdminDir(join(d, 'a.sock'), false));
    assert.equal(e.code, 'PORTPLEX_UNSAFE_ADMIN_PATH');
    assert.match(e.message, /the directory .* of --admin .*a\.sock belongs to uid 65534/);
    checkAdminDir(join(d, 'a.sock'), false, NOBODY);
    assert.equal(thrown(() => checkAdminDir(join(d, 'a.sock'), false, 1000)).code, 'PORTPLEX_UNSAFE_ADMIN_PATH');
  });
});

describe('checkAdminSocket', () => {
  test('nothing there: PORTPLEX_NOT_RUNNING, in a missing directory too', () => {
    const d = dir();
    assert.equal(thrown(() => checkAdminSocket(join(d, 'portplex.sock'), true)).code, 'PORTPLEX_NOT_RUNNING');
    assert.equal(thrown(() => checkAdminSocket(join(d, 'missing', 'portplex.sock'), true)).code, 'PORTPLEX_NOT_RUNNING');
    assert.equal(thrown(() => checkAdminSocket(join(d, 'missing', 'portplex.sock'), false)).code, 'PORTPLEX_NOT_RUNNING');
  });

  test('a planted default directory is said even with no socket in it', () => {
    const d = dir(0o755);
    assert.equal(thrown(() => checkAdminSocket(join(d, 'portplex.sock'), true)).code, 'PORTPLEX_UNSAFE_ADMIN_PATH');
  });

  test('a socket of ours, 0600, in our 0700 directory passes', async () => {
    const path = join(dir(), 'portplex.sock');
    const s = await listening(path);
    try {
      checkAdminSocket(path, true);
      checkAdminSocket(path, false);
    } finally {
      await new Promise((r) => s.close(r));
    }
  });

  test('a file that is not a socket, a symlink to a socket, a socket with mode 0666: refused', async () => {
    const d = dir();
    const file = join(d, 'file.sock');
    writeFileSync(file, '');
    assert.match(thrown(() => checkAdminSocket(file, true)).message, /file\.sock is not a socket/);
    const real = join(d, 'real.sock');
    const s = await listening(real);
    try {
      const link = join(d, 'link.sock');
      symlinkSync(real, link);
      assert.match(thrown(() => checkAdminSocket(link, true)).message, /link\.sock is a symbolic link/);
      chmodSync(real, 0o666);
      const e = thrown(() => checkAdminSocket(real, false));
      assert.equal(e.code, 'PORTPLEX_UNSAFE_ADMIN_PATH');
      assert.match(e.message, /real\.sock has mode 0666, not 0600/);
    } finally {
      await new Promise((r) => s.close(r));
    }
  });

  test('another user\'s socket in our directory: refused; in that user\'s own directory, named by root: accepted', async () => {
    needsRoot('it chowns a socket to another user');
    const d = dir();
    const path = join(d, 'a.sock');
    const s = await listening(path);
    try {
      chownSync(path, NOBODY, NOBODY);
      for (const strict of [true, false]) {
        const e = thrown(() => checkAdminSocket(path, strict));
        assert.equal(e.code, 'PORTPLEX_UNSAFE_ADMIN_PATH');
        assert.match(e.message, /a\.sock belongs to uid 65534, not to you \(uid 0\)/);
      }
      // A service's socket in the directory systemd made for it (RuntimeDirectory=, DynamicUser=).
      chownSync(d, NOBODY, NOBODY);
      checkAdminSocket(path, false);
      assert.equal(thrown(() => checkAdminSocket(path, true)).code, 'PORTPLEX_UNSAFE_ADMIN_PATH', 'never for the default directory');
    } finally {
      await new Promise((r) => s.close(r));
    }
  });
});

describe('prepareAdminDir', () => {
  test('makes a missing directory 0700 whatever the umask, and checks an existing one', () => {
    const d = join(base, `p${n++}`, 'run');
    const old = process.umask(0o277);
    try {
      prepareAdminDir(join(d, 'admin.sock'));
    } finally {
      process.umask(old);
    }
    assert.equal(statSync(d).mode & 0o777, 0o700);
    const open = dir(0o777);
    assert.equal(thrown(() => prepareAdminDir(join(open, 'admin.sock'))).code, 'PORTPLEX_UNSAFE_ADMIN_PATH');
  });
});
