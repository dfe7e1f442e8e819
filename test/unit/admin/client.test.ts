// What a command makes of whatever answers on the admin socket: a real Unix socket server sends
// each answer; a broken or forged one is a coded error, never a TypeError.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { adminRequest } from '../../../src/admin/client.js';
import { needsRoot } from '../../helpers/root.js';

const base = mkdtempSync(join(tmpdir(), 'portplex-client-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

/** A server on a fresh socket (0600, ours) that answers every request with `reply`; counts connections. */
async function fake(reply: string): Promise<{ path: string; served: () => number; close: () => Promise<void> }> {
  const path = join(base, `s${n++}.sock`);
  let served = 0;
  const server = net.createServer((c) => {
    served++;
    c.once('data', () => c.end(reply));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  chmodSync(path, 0o600);
  return { path, served: () => served, close: () => new Promise((r) => server.close(() => r())) };
}

async function failure(path: string): Promise<{ code: string; message: string }> {
  try {
    await adminRequest(path, { cmd: 'status' });
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  return { code: 'none', message: '' };
}

describe('adminRequest', () => {
  const cases: Array<{ reply: string; code: string; message: RegExp }> = [
    { reply: 'HTTP/1.1 400 Bad Request\r\n\r\n', code: 'PORTPLEX_BAD_ANSWER', message: /answered something that is not a portplex master's answer: it is not JSON/ },
    { reply: '[1,2]\n', code: 'PORTPLEX_BAD_ANSWER', message: /it is not an object/ },
    { reply: 'null\n', code: 'PORTPLEX_BAD_ANSWER', message: /it is not an object/ },
    { reply: '{"result":{}}\n', code: 'PORTPLEX_BAD_ANSWER', message: /"ok" is neither true nor false/ },
    { reply: '{"ok":true}\n', code: 'PORTPLEX_BAD_ANSWER', message: /it has no "result"/ },
    { reply: '{"ok":false,"error":"no"}\n', code: 'PORTPLEX_BAD_ANSWER', message: /a refusal without a code/ },
    { reply: '{"ok":false,"code":"__proto__","error":"no"}\n', code: 'PORTPLEX_BAD_ANSWER', message: /a refusal without a code/ },
    { reply: '{"ok":false,"code":"BUSY"}\n', code: 'PORTPLEX_BAD_ANSWER', message: /a refusal without a message/ },
    { reply: '{"ok":false,"code":"BUSY","error":"an upgrade runs"}\n', code: 'PORTPLEX_ADMIN_BUSY', message: /^an upgrade runs$/ },
    { reply: '', code: 'PORTPLEX_NOT_RUNNING', message: /closed the connection without answering/ },
  ];
  for (const c of cases) {
    test(`answer ${JSON.stringify(c.reply.slice(0, 50))}: ${c.code}`, async () => {
      const f = await fake(c.reply);
      try {
        const e = await failure(f.path);
        assert.equal(e.code, c.code, e.message);
        assert.match(e.message, c.message);
        assert.equal(f.served(), 1);
      } finally {
        await f.close();
      }
    });
  }

  test('a good answer gives its result', async () => {
    const f = await fake('{"ok":true,"result":{"pid":7}}\n');
    try {
      assert.deepEqual(await adminRequest(f.path, { cmd: 'status' }), { pid: 7 });
    } finally {
      await f.close();
    }
  });

  test('a socket of another user (uid 65534) sending a forged status is never connected to', async () => {
    needsRoot('it chowns a socket to another user');
    const f = await fake('{"ok":true,"result":{"version":"forged","pid":1}}\n');
    try {
      chownSync(f.path, 65534, 65534);
      const e = await failure(f.path);
      assert.equal(e.code, 'PORTPLEX_UNSAFE_ADMIN_PATH', e.message);
      assert.match(e.message, /belongs to uid 65534/);
      assert.equal(f.served(), 0, 'no connection reached it');
    } finally {
      await f.close();
    }
  });

  test('no socket, or a dead one: PORTPLEX_NOT_RUNNING', async () => {
    assert.equal((await failure(join(base, 'none.sock'))).code, 'PORTPLEX_NOT_RUNNING');
    // A socket file left by a master that was killed: nobody listens there (ECONNREFUSED).
    const dead = join(base, `dead${n++}.sock`);
    const killed = spawnSync(process.execPath, ['-e', `const fs = require('node:fs'); require('node:net').createServer().listen(${JSON.stringify(dead)}, () => { fs.chmodSync(${JSON.stringify(dead)}, 0o600); process.kill(process.pid, 'SIGKILL'); });`], { timeout: 30_000 });
    assert.equal(killed.signal, 'SIGKILL');
    const e = await failure(dead);
    assert.equal(e.code, 'PORTPLEX_NOT_RUNNING', e.message);
    assert.match(e.message, /no portplex master is running there/);
  });
});
