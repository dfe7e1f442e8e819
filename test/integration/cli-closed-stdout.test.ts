// A closed stdout (`portplex --help | head`, a log pipe that goes away) is not a crash.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { CLI, ROOT } from '../helpers/cluster.js';

test('portplex --help into a closed pipe exits 0 without an EPIPE trace', async () => {
  const child = spawn(process.execPath, [CLI, '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  // Close our end at once: the help meets a closed pipe.
  child.stdout!.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE/);
});
