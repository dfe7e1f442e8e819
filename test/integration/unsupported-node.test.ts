// A Node release without an internal portplex needs: the CLI stops at start, naming it and the
// Node version, and serves nothing (the absence is faked by a preload in the master).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, ROOT, fixture } from '../helpers/cluster.js';

async function runWithout(which: string): Promise<{ code: number | null; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-unsupported-'));
  const child = spawn(process.execPath, ['--import', fixture('remove-internal.js'), CLI, '-w', '1', '-l', '127.0.0.1:0', '--admin', join(dir, 'admin.sock'), fixture('http-app.js')], {
    cwd: ROOT,
    env: { ...process.env, PORTPLEX_TEST_REMOVE: which },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  try {
    return await new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [which, named, binds] of [
  ['createServerHandle', 'net._createServerHandle', false],
  ['listen2', 'net.Server.prototype._listen2', false],
  ['binding', "process.binding('stream_wrap')", false],
  ['channel', 'IPC channel pipe', true],
] as const) {
  test(`without ${named}: exit 1 with PORTPLEX_UNSUPPORTED_NODE, the internal and the Node version`, async () => {
    const { code, output } = await runWithout(which);
    assert.equal(code, 1, output);
    assert.match(output, /PORTPLEX_UNSUPPORTED_NODE|portplex needs Node's/);
    assert.ok(output.includes(named), output);
    assert.ok(output.includes(process.version), output);
    // The static checks run before anything binds; the channel is only seen at the first fork.
    assert.equal(/listening on/.test(output), binds, output);
    assert.doesNotMatch(output, /workers ready/);
  });
}
