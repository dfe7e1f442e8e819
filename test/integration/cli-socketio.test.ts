// The README's socket.io command as a user runs it: `portplex -w 4 --sticky query:sid app.js`
// with a CommonJS socket.io application and socket.io-client's default transports (polling,
// then websocket): 20 of 20 clients get their hello and 5 acknowledged emits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliPort, fixture, runCli } from '../helpers/cluster.js';
import { runClients, summary } from '../helpers/socketio.js';

test('portplex -w 4 --sticky query:sid app.cjs: 20 of 20 socket.io clients', async () => {
  const cli = runCli(['-w', '4', '-l', '127.0.0.1:0', '--sticky', 'query:sid', fixture('socketio-app.cjs')]);
  try {
    const port = await cliPort(cli.output);
    const { results, sockets } = await runClients(port, 20, { transports: ['polling', 'websocket'] });
    for (const s of sockets) s.close();
    assert.equal(results.filter((r) => r.ok).length, 20, summary(results));
    assert.ok(results.every((r) => r.transport === 'websocket'), 'every client upgraded');
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
  }
});
