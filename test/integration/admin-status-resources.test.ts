// `portplex status` shows each worker's resources as its heartbeats report them: CPU, resident
// memory, heap, connections per second; --json gives the same figures as numbers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, fixture, get, portplex, runCli } from '../helpers/cluster.js';

test('status: cpu, mem, heap and conn/s per worker once heartbeats have reported them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-res-'));
  const sock = join(dir, 'admin.sock');
  const config = join(dir, 'portplex.json');
  writeFileSync(config, JSON.stringify({ script: fixture('http-app.js'), workers: 2, listen: '127.0.0.1:0', healthInterval: 100 }));
  const cli = runCli(['-c', config, '--admin', sock]);
  try {
    const port = await cliPort(cli.output);
    type W = { id: number; cpuPercent: number | null; rssBytes: number | null; heapUsedBytes: number | null; connectionsPerSecond: number; requests: number | null; recycles: Record<string, number> };
    let workers: W[] = [];
    const read = async (): Promise<void> => { workers = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout).workers; };
    // Requests while the heartbeats sample: some worker's rate is above 0 between two of them.
    let busy = true;
    const load = (async () => { while (busy) await get(port); })();
    for (const end = Date.now() + 15000; Date.now() < end;) {
      await read();
      if (workers.every((w) => w.rssBytes !== null) && workers.some((w) => w.connectionsPerSecond > 0 && w.requests! > 0)) break;
    }
    busy = false;
    await load;
    assert.equal(workers.length, 2);
    for (const w of workers) {
      assert.ok(w.rssBytes! > 8 * 1024 * 1024 && w.heapUsedBytes! > 0 && w.heapUsedBytes! < w.rssBytes!, JSON.stringify(w));
      assert.ok(w.cpuPercent !== null && w.cpuPercent >= 0, JSON.stringify(w));
      assert.deepEqual(w.recycles, { memory: 0, connections: 0, requests: 0, lifetime: 0 });
      assert.ok(Number.isInteger(w.requests) && w.requests! >= 0, JSON.stringify(w));
    }
    assert.ok(workers.some((w) => w.connectionsPerSecond > 0), JSON.stringify(workers));
    assert.ok(workers.some((w) => w.requests! > 0), JSON.stringify(workers));

    const text = (await portplex('status', '--admin', sock)).stdout;
    assert.match(text, /\nworker +group +pid +state +health +weight +active +conn\/s +total +cpu +mem +heap +loop +restarts +uptime\n/);
    const rows = text.trimEnd().split('\n').slice(-2);
    for (const row of rows) assert.match(row, /^[12] +default +\d+ +ready +up +1 +\d+ +[\d.]+ +\d+ +\d+\.\d% +\d+\.\dM +\d+\.\dM +\d+ms +0 +\d+s$/, text);
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
