// A master run through the API (createMaster) has no command line to run again: an upgrade
// asked of its admin socket is refused with a reason, and the master goes on serving.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { adminRequest } from '../../src/admin/client.js';
import { startAdminServer } from '../../src/admin/server.js';
import { fixture, get, startMaster } from '../helpers/cluster.js';

test('upgrade of an API master: refused as PORTPLEX_ADMIN_UNSUPPORTED, the master serves on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-upgrade-api-'));
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 1 });
  const admin = await startAdminServer(master, join(dir, 'admin.sock'));
  try {
    await assert.rejects(adminRequest(admin.path, { cmd: 'upgrade' }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'PORTPLEX_ADMIN_UNSUPPORTED');
      assert.match(err.message, /not started by the portplex command/);
      return true;
    });
    assert.equal((await get(port)).status, 200);
  } finally {
    await admin.close();
    await master.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
