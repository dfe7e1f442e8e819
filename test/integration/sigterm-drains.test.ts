// SIGTERM: stop accepting, let an in-flight slow request finish, exit 0.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { cliPort, fixture, get, runCli } from '../helpers/cluster.js';

test('SIGTERM lets a slow in-flight request finish, refuses new connections, and exits 0', async () => {
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--grace', '5000', fixture('http-app.js')]);
  const port = await cliPort(cli.output);
  await (await fetch(`http://127.0.0.1:${port}/warmup`)).text();
  const slow = get(port, '/slow?ms=1500');
  await new Promise((r) => setTimeout(r, 300));
  cli.child.kill('SIGTERM');
  const { status, body } = await slow;
  assert.equal(status, 200);
  assert.equal(JSON.parse(body).path, '/slow');
  const refused = await new Promise<string>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve('connected'); });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
  assert.equal(refused, 'ECONNREFUSED');
  const { code } = await cli.exited;
  assert.equal(code, 0, cli.output());
  assert.match(cli.output(), /stopped cleanly/);
});
