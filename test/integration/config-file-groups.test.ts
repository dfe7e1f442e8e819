// A config file with two listeners, each served by its own group (the patent's Figure 7 tree).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstLine, fixture, handedOver, runCli, waitFor } from '../helpers/cluster.js';


test('-c with two groups: each listener reaches only its group, weighted 2:1:1 and first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-groups-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-c', fixture('two-groups.json'), '--admin', sock]);
  try {
    let ports: number[] = [];
    await waitFor(() => {
      ports = [...cli.output().matchAll(/listening on 127\.0\.0\.1:(\d+) \(tcp\) -> group (\w+), ([\w-]+)/g)].map((m) => Number(m[1]));
      return ports.length === 2 && /4\/4 workers ready/.test(cli.output());
    }, 10000, `two listeners and 4 ready workers in:\n${cli.output()}`);
    assert.match(cli.output(), /-> group web, weighted-round-robin/);
    assert.match(cli.output(), /-> group admin, first/);
    const web: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { line, socket } = await firstLine(ports[0]);
      web.push(line);
      socket.destroy();
      // The order is the balancer's when each hand-over is complete: a worker whose answer is
      // still on its way is skipped while another is idle (see the ownership rules).
      await handedOver(sock, i + 1);
    }
    // Smooth weighted round-robin (NGINX) spreads the heavier worker's turns: 2:1:1 gives a b c a.
    assert.deepEqual(web, ['1', '2', '3', '1', '1', '2', '3', '1'], 'smooth weighted round-robin 2:1:1 over workers 1-3');
    const admin = await firstLine(ports[1]);
    assert.equal(admin.line, '4', 'the admin listener is served by the admin group only');
    admin.socket.destroy();
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
    rmSync(dir, { recursive: true, force: true });
  }
});
