// The worker API: attach(server) instead of listen(), and app arguments after "--" on the CLI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliPort, fixture, get, runCli } from '../helpers/cluster.js';

test('portplex app.js -- args: attach() serves the cluster port and the app sees its arguments', async () => {
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', fixture('attach-app.js'), '--', '--flag', 'value']);
  try {
    const port = await cliPort(cli.output);
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) bodies.add((await get(port)).body);
    assert.deepEqual(bodies, new Set(['attached 1 true --flag,value', 'attached 2 true --flag,value']));
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
  }
});
