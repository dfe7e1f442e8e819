// --max-lifetime with --max-lifetime-jitter: each process lives its own lifetime (1500 ms plus
// its draw of 0-2000 ms), and the lifetime recycles of the group begin at least jitter / workers
// (2000 / 3 = 666.7 ms) apart, read from the master's JSON log lines and their times. Three
// workers started together draw lifetimes within 2 s of each other: without the spacing, two
// of them fall closer than that in almost every run. Keep-alive clients load the workers all
// along, and no request fails.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, fixture, portplex, runCli, waitFor } from '../helpers/cluster.js';
import { keepAliveLoad } from '../helpers/keepalive-load.js';

const WORKERS = 3;
const LIFETIME = 1500;
const JITTER = 2000;
const RECYCLES = 7;
/** Log times are whole ms, taken just after the check: 2 ms for the rounding of two of them. */
const TOLERANCE = 2;

interface Recycle { time: number; worker: number; pid: number; ready: number; jitter: number; limit: number }

const LINE = /^worker (\d+) \(pid (\d+)\) has been ready (\d+) ms \(maxLifetime 1500(?: \+ jitter (\d+) = (\d+))? ms\); replacing it, new process first$/;

/** The lifetime recycles in the master's JSON log lines, in order. */
function recyclesIn(output: string): Recycle[] {
  const out: Recycle[] = [];
  for (const text of output.split('\n')) {
    if (!text.startsWith('{')) continue;
    let line: { time?: string; source?: string; msg?: string };
    try {
      line = JSON.parse(text) as typeof line;
    } catch {
      continue;
    }
    const m = line.source === 'portplex' ? LINE.exec(line.msg ?? '') : null;
    if (!m) continue;
    const jitter = m[4] === undefined ? 0 : Number(m[4]);
    out.push({ time: Date.parse(line.time!), worker: Number(m[1]), pid: Number(m[2]), ready: Number(m[3]), jitter, limit: m[5] === undefined ? LIFETIME : Number(m[5]) });
  }
  return out;
}

test(`${WORKERS} workers, --max-lifetime ${LIFETIME} --max-lifetime-jitter ${JITTER}: ${RECYCLES} lifetime recycles, each after its own lifetime, at least ${JITTER} / ${WORKERS} ms apart, 0 failed requests`, { timeout: 120000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-lifetime-'));
  const sock = join(dir, 'admin.sock');
  const config = join(dir, 'portplex.json');
  writeFileSync(config, JSON.stringify({ listen: '127.0.0.1:0', healthInterval: 100, minUptime: 100 }));
  const cli = runCli(['-c', config, '--admin', sock, '--log-format', 'json', '-w', String(WORKERS),
    '--max-lifetime', String(LIFETIME), '--max-lifetime-jitter', String(JITTER), fixture('http-app.js')]);
  try {
    const port = await cliPort(cli.output);
    const load = keepAliveLoad(port, 4);
    await waitFor(() => recyclesIn(cli.output()).length >= RECYCLES, 90000, `${RECYCLES} lifetime recycles in:\n${cli.output()}`);
    const { failed, refused } = await load.stop();
    const recycles = recyclesIn(cli.output());
    const gaps = recycles.slice(1).map((r, i) => r.time - recycles[i]!.time);
    t.diagnostic(`${load.answered()} answers; recycles (worker, ready ms / own lifetime ms): ${recycles.map((r) => `${r.worker} ${r.ready}/${r.limit}`).join(', ')}`);
    t.diagnostic(`gaps between recycle starts, ms: ${gaps.join(', ')}`);
    assert.deepEqual(failed, [], 'no request failed');
    assert.equal(refused, 0);

    // The spacing: no two lifetime recycles of the group closer than jitter / workers.
    const gap = JITTER / WORKERS;
    for (const [i, g] of gaps.entries()) {
      assert.ok(g >= gap - TOLERANCE, `recycles ${i + 1} and ${i + 2} began ${g} ms apart, under ${gap.toFixed(1)}: ${JSON.stringify(recycles)}`);
    }
    // Each process's own lifetime: the group's plus its own draw, and it was not replaced before it.
    for (const r of recycles) {
      assert.ok(r.jitter >= 0 && r.jitter <= JITTER && r.limit === LIFETIME + r.jitter, JSON.stringify(r));
      assert.ok(r.ready >= r.limit, JSON.stringify(r));
    }
    assert.ok(new Set(recycles.map((r) => r.limit)).size > 1, `per-process draws, not one for all: ${recycles.map((r) => r.limit).join(', ')}`);
    // Every worker's first process was replaced, each process once.
    assert.deepEqual([...new Set(recycles.map((r) => r.worker))].sort(), [1, 2, 3]);
    assert.equal(new Set(recycles.map((r) => r.pid)).size, recycles.length);

    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { workers: Array<{ restarts: number; recycles: Record<string, number> }> };
    // Counted when the new process takes over: the last one may still be starting.
    const counted = status.workers.reduce((n, w) => n + w.recycles.lifetime, 0);
    assert.ok(counted >= recycles.length - 1 && counted <= recycles.length + 1, `status counts ${counted} lifetime recycles, the log ${recycles.length}`);
    for (const w of status.workers) {
      assert.equal(w.restarts, 0);
      assert.equal(w.recycles.memory + w.recycles.connections + w.recycles.requests, 0);
    }
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
