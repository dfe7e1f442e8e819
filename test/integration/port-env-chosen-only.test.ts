// PORT is set for the workers only when a port was chosen (-l): without one, the app's own
// default is served, as without portplex, and the app sees PORT as the user's environment had it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, freePort, get, runCli, waitFor } from '../helpers/cluster.js';

async function served(args: string[], appPort: number, askPort: number): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-port-env-'));
  // PORT: undefined leaves it out of the master's environment (spawn skips undefined values).
  const cli = runCli(['-w', '2', '--grace', '2000', '--admin', join(dir, 'admin.sock'), ...args, fixture('port-or-own-app.js')], { PORT: undefined, APP_PORT: String(appPort) });
  try {
    await waitFor(() => /2\/2 workers ready/.test(cli.output()), 10000, `both workers ready in:\n${cli.output()}`);
    const answers = [await get(askPort), await get(askPort)];
    assert.deepEqual(answers.map((a) => a.status), [200, 200], cli.output());
    return answers.map((a) => JSON.parse(a.body));
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
    rmSync(dir, { recursive: true, force: true });
  }
}

test('without -l, listen(process.env.PORT || own) is served on the app\'s own port and PORT stays unset', async () => {
  const own = await freePort();
  assert.deepEqual(await served([], own, own), [{ PORT: null, port: own }, { PORT: null, port: own }]);
});

test('with -l, the app sees the listener\'s port as PORT and is served there', async () => {
  const [own, chosen] = [await freePort(), await freePort()];
  const expected = { PORT: String(chosen), port: chosen };
  assert.deepEqual(await served(['-l', `127.0.0.1:${chosen}`], own, chosen), [expected, expected]);
});
