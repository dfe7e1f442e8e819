// A listen() the master cannot bind (the port is another process's) reaches the app's server as
// the same 'error' a real bind gives: code, errno, syscall, address, port and message.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, runCli, waitFor } from '../helpers/cluster.js';

test("listen() of a port in use: the app's server emits EADDRINUSE exactly as a real bind, and portplex keeps running", async () => {
  const other = net.createServer();
  await new Promise<void>((resolve) => other.listen({ port: 0, host: '::' }, resolve));
  const port = (other.address() as net.AddressInfo).port;
  const cli = runCli(['-w', '2', '--grace', '2000', fixture('bind-error-app.js')], { APP_PORT: String(port) });
  try {
    await waitFor(() => /2\/2 workers ready/.test(cli.output()), 10000, `both workers to report in:\n${cli.output()}`);
    const shared = [...cli.output().matchAll(/^shared (.*)$/gm)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
    const real = [...cli.output().matchAll(/^real (.*)$/gm)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
    assert.equal(shared.length, 2);
    assert.equal(shared[0]!.code, 'EADDRINUSE');
    assert.deepEqual(shared, real, 'the same error as a real bind in the worker');
    assert.doesNotMatch(cli.output(), /asked by the app/, 'nothing was bound');
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
    other.close();
  }
});
