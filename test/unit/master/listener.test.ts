// The listener's two ways to stop accepting, on a real socket in this process: close() resets
// what the kernel has queued, closeQuietly() takes it first.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../../../src/config/validate.js';
import type { RawHandle } from '../../../src/internals/tcp-handle.js';
import { Listener } from '../../../src/master/listener.js';

const SCRIPT = fileURLToPath(new URL('../../../../test/fixtures/http-app.js', import.meta.url));
const CLIENTS = fileURLToPath(new URL('../../../../test/fixtures/queued-clients.js', import.meta.url));
const N = 8;

/**
 * Binds a listener, lets N clients connect while this event loop is blocked (the kernel queues
 * them, libuv accepts none), then stops it with `how` in the same turn. Resolves with how many
 * were accepted and what the clients saw.
 */
async function queuedThenClosed(how: 'close' | 'closeQuietly'): Promise<{ accepted: number; failed: string[] }> {
  const config = validateConfig({ script: SCRIPT, workers: 1, listen: '127.0.0.1:0' });
  const listener = new Listener(config.listeners[0]!);
  const taken: RawHandle[] = [];
  await listener.bind(511, (_l, err, handle) => {
    if (err === 0 && handle) taken.push(handle);
  });
  const dir = mkdtempSync(join(tmpdir(), 'portplex-listener-'));
  const marker = join(dir, 'connected');
  try {
    const clients = spawn(process.execPath, [CLIENTS, String(listener.port), String(N), marker], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    clients.stdout.on('data', (d) => { out += d; });
    const exited = new Promise((resolve) => clients.on('exit', resolve));
    const tick = new Int32Array(new SharedArrayBuffer(4));
    const end = Date.now() + 30000;
    while (!existsSync(marker) && Date.now() < end) Atomics.wait(tick, 0, 0, 5);
    assert.ok(existsSync(marker), 'the clients never connected');
    await listener[how]();
    for (const h of taken) h.close();
    await exited;
    return { accepted: taken.length, failed: (JSON.parse(out) as { failed: string[] }).failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Listener: stopping with connections in the accept queue', () => {
  it(`close() at once resets all ${N}`, async () => {
    const r = await queuedThenClosed('close');
    assert.equal(r.accepted, 0);
    assert.deepEqual(r.failed, new Array(N).fill('ECONNRESET'));
  });

  it(`closeQuietly() accepts all ${N} first`, async () => {
    const r = await queuedThenClosed('closeQuietly');
    assert.equal(r.accepted, N);
  });
});
