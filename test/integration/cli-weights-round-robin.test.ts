// --weights 3,1 with the default algorithm (round-robin) is obeyed: 30 of 40 connections to worker 1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPort, firstLine, fixture, handedOver, runCli } from '../helpers/cluster.js';

test('portplex -w 2 --weights 3,1 (round-robin): 40 connections split 30/10 in the smooth weighted order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-weights-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '2', '--weights', '3,1', '-l', '127.0.0.1:0', '--admin', sock, '--grace', '2000', fixture('hold.js')]);
  try {
    const port = await cliPort(cli.output);
    assert.match(cli.output(), /-> group default, round-robin/);
    const order: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { line, socket } = await firstLine(port);
      order.push(line);
      socket.destroy();
      // The order is the balancer's when each hand-over is complete (see the ownership rules).
      await handedOver(sock, i + 1);
    }
    assert.deepEqual(order.slice(0, 4), ['1', '1', '2', '1']);
    assert.deepEqual([order.filter((w) => w === '1').length, order.filter((w) => w === '2').length], [30, 10]);
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
    rmSync(dir, { recursive: true, force: true });
  }
});
