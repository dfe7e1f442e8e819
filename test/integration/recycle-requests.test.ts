// --max-requests behind keep-alive clients: a few connections carry every request (as from a
// proxy), so no connection count would ever fire; each worker's process is replaced once its
// servers have received its own limit (50 plus its jitter of 0-10), new process first, and no
// request fails. The count the master keeps is exact: after the load, each worker's `requests`
// is the number of answers its current process gave.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, fixture, portplex, runCli } from '../helpers/cluster.js';
import { keepAliveLoad } from '../helpers/keepalive-load.js';

interface Status { workers: Array<{ id: number; pid: number; state: string; restarts: number; requests: number | null; handedOver: number; recycles: Record<string, number> }> }

const LINE = /worker (\d+) \(pid (\d+)\) received (\d+) HTTP requests \(maxRequests 50(?: \+ jitter (\d+) = (\d+))?\); replacing it, new process first/g;

test('-w 2 --max-requests 50 --max-requests-jitter 10 under keep-alive clients: every worker replaced twice by its request count, 0 failed requests', { timeout: 120000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-maxreq-'));
  const sock = join(dir, 'admin.sock');
  const config = join(dir, 'portplex.json');
  // Heartbeats every 100 ms judge the limits often; a fresh process may be replaced after 100 ms.
  writeFileSync(config, JSON.stringify({ listen: '127.0.0.1:0', healthInterval: 100, minUptime: 100 }));
  const cli = runCli(['-c', config, '--admin', sock, '-w', '2', '--max-requests', '50', '--max-requests-jitter', '10', fixture('http-app.js')]);
  const status = async (): Promise<Status> => JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as Status;
  try {
    const port = await cliPort(cli.output);
    const before = (await status()).workers;
    const load = keepAliveLoad(port, 4);
    let s = before;
    for (const end = Date.now() + 90000; !s.every((w) => w.recycles.requests >= 2);) {
      if (Date.now() > end) assert.fail(`two request recycles of each worker; status ${JSON.stringify(s)}\n${cli.output()}`);
      s = (await status()).workers;
    }
    const { failed, refused } = await load.stop();
    const byPid = load.byPid();
    t.diagnostic(`${load.answered()} answers, by pid ${JSON.stringify([...byPid])}`);
    assert.deepEqual(failed, [], 'no request failed');
    assert.equal(refused, 0);

    // Each replacement logged with its process's own limit, and that process answered at least that many.
    const lines = [...cli.output().matchAll(LINE)];
    assert.ok(lines.length >= 4, cli.output());
    const limits: number[] = [];
    for (const [line, , pid, received, jitter, limit] of lines) {
      const own = limit === undefined ? 50 : Number(limit);
      assert.ok(jitter === undefined || (Number(jitter) >= 1 && Number(jitter) <= 10 && own === 50 + Number(jitter)), line);
      assert.ok(Number(received) >= own, line);
      assert.ok((byPid.get(Number(pid)) ?? 0) >= Number(received), `${line}: the clients got ${byPid.get(Number(pid))} answers from pid ${pid}`);
      limits.push(own);
    }
    t.diagnostic(`limits drawn: ${limits.join(', ')}; received at replacement: ${lines.map((l) => l[3]).join(', ')}`);

    // Exact counts: once the load is over and a heartbeat has answered, each current process has
    // received as many requests as it answered.
    let last: Status['workers'] = [];
    for (const end = Date.now() + 10000; ;) {
      last = (await status()).workers;
      if (last.every((w) => w.state === 'ready' && w.requests === (byPid.get(w.pid) ?? 0))) break;
      if (Date.now() > end) assert.fail(`status requests against answers by pid ${JSON.stringify([...byPid])}: ${JSON.stringify(last)}`);
    }
    t.diagnostic(`current processes: ${last.map((w) => `worker ${w.id} pid ${w.pid} requests ${w.requests}`).join(', ')}`);
    for (const w of last) {
      assert.ok(!before.some((b) => b.pid === w.pid), `worker ${w.id} runs a new process`);
      assert.equal(w.restarts, 0, 'replaced, not crashed and restarted');
      assert.equal(w.recycles.connections + w.recycles.memory + w.recycles.lifetime, 0, JSON.stringify(w.recycles));
    }
    // Keep-alive: far fewer connections than requests, so a connection count would not have fired.
    const connections = last.reduce((n, w) => n + w.handedOver, 0);
    assert.ok(connections * 5 < load.answered(), `${connections} connections for ${load.answered()} requests`);
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
