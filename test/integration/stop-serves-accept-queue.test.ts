// A stop takes what the kernel had already accepted before it closes the listening socket:
// connections whose handshake completed while the master was busy are answered, not reset.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, startMaster } from '../helpers/cluster.js';

const CLIENTS = 24;

test(`stop() answers all ${CLIENTS} connections waiting in the kernel's accept queue`, async () => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'portplex-queue-'));
  const marker = join(dir, 'connected');
  try {
    const clients = spawn(process.execPath, [fixture('queued-clients.js'), String(port), String(CLIENTS), marker], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    clients.stdout.on('data', (d) => { out += d; });
    const done = new Promise<void>((resolve) => clients.on('exit', () => resolve()));
    // This process is the master: while its event loop is blocked here, the kernel completes
    // the handshakes and queues the connections, and libuv accepts none of them.
    const tick = new Int32Array(new SharedArrayBuffer(4));
    const end = Date.now() + 30000;
    while (!existsSync(marker) && Date.now() < end) Atomics.wait(tick, 0, 0, 5);
    assert.ok(existsSync(marker), 'the clients never connected');
    const before = master.stats.accepted[0]!;
    // In the same turn: every connection is still in the accept queue.
    const stopped = master.stop();
    await done;
    const result = JSON.parse(out) as { ok: number; failed: string[] };
    assert.deepEqual(result.failed, [], `${result.failed.length} of ${CLIENTS} queued connections failed`);
    assert.equal(result.ok, CLIENTS);
    assert.equal(master.stats.accepted[0]! - before, CLIENTS, 'accepted after the stop began');
    assert.equal(await stopped, 0);
  } finally {
    await master.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
