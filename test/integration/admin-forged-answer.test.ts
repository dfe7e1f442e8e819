// A fake master on the admin socket: one of another user (uid 65534) is never talked to; one of
// ours that forges a status gets PORTPLEX_BAD_ANSWER from status and reload, never a TypeError.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { portplex } from '../helpers/cluster.js';
import { needsRoot } from '../helpers/root.js';

const FORGED = `${JSON.stringify({ ok: true, result: { version: '9.9.9', pid: 1, state: 'serving', note: 'forged' } })}\n`;

test('a forged master: of another user refused unasked, of ours refused on its answer', async () => {
  needsRoot('it chowns a socket to another user');
  const dir = mkdtempSync(join(tmpdir(), 'portplex-forged-'));
  const sock = join(dir, 'admin.sock');
  const asked: string[] = [];
  const server = net.createServer((c) => {
    c.setEncoding('utf8');
    c.once('data', (line: string) => { asked.push(line.trim()); c.end(FORGED); });
  });
  await new Promise<void>((resolve) => server.listen(sock, resolve));
  try {
    chmodSync(sock, 0o600);
    chownSync(sock, 65534, 65534);
    const foreign = await portplex('status', '--admin', sock);
    assert.equal(foreign.code, 2, foreign.stderr);
    assert.match(foreign.stderr, /^portplex: the admin socket .*admin\.sock belongs to uid 65534, not to you \(uid 0\): .*\[PORTPLEX_UNSAFE_ADMIN_PATH\]\n$/);
    assert.equal(foreign.stdout, '');
    assert.deepEqual(asked, [], 'no request reached it');

    chownSync(sock, 0, 0);
    const status = await portplex('status', '--admin', sock);
    assert.equal(status.code, 1, status.stderr);
    assert.equal(status.stdout, '', 'nothing of the forged status printed');
    assert.match(status.stderr, /^portplex: the admin socket .* answered something that is not a portplex master's answer: status: result\.uptimeMs: expected a number, got undefined \[PORTPLEX_BAD_ANSWER\]\n$/);
    const reload = await portplex('reload', '--admin', sock);
    assert.equal(reload.code, 1, reload.stderr);
    assert.match(reload.stderr, /reload: result\.replaced: expected a list, got undefined \[PORTPLEX_BAD_ANSWER\]\n$/);
    assert.doesNotMatch(reload.stderr, /TypeError|internal error/);
    assert.deepEqual(asked, ['{"cmd":"status"}', '{"cmd":"reload"}']);
  } finally {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});
