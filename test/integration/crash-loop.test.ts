// A worker that dies at every start ends the master with a clear error instead of spinning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, runCli } from '../helpers/cluster.js';

test('a crash loop stops the master with exit status 4 and says why', async () => {
  const started = Date.now();
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--max-restarts', '2', fixture('crash.js')]);
  const { code } = await cli.exited;
  assert.equal(code, 4, cli.output());
  assert.match(cli.output(), /worker \d \(.*crash\.js\) died 3 times in a row before it had been up 1000 ms \(last: it exited with code 1\); giving up/);
  assert.match(cli.output(), /fixture: this application cannot start/);
  // Backoff 100 + 200 ms between the three starts, not a spin and not forever.
  assert.ok(Date.now() - started < 8000);
});
