// maxRequests on an HTTP/2 application that uses streams only: HTTP/2 clients keep one session
// each (every request a stream on it), and each worker's process is replaced once its server has
// seen its count of streams, new process first, with no request failed. Counting them adds no
// 'request' listener to the server (which would turn Node's compatibility API on), and the
// count is exact: after the load, each worker's `requests` is its current process's answers.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

const LIMIT = 30;

interface Answer { pid: number; requestListeners: number }

/** Clients with one session each, one request at a time; a new session after a GOAWAY, as HTTP/2 clients do. */
function h2Load(port: number, clients: number): { answers: Answer[]; stop: () => Promise<string[]> } {
  let running = true;
  const answers: Answer[] = [];
  const failed: string[] = [];
  const loops = Array.from({ length: clients }, async () => {
    let session: http2.ClientHttp2Session | undefined;
    let gone = true;
    while (running) {
      if (gone || session!.closed || session!.destroyed) {
        session = http2.connect(`http://127.0.0.1:${port}`);
        session.on('error', (err) => failed.push(`session: ${err.message}`));
        gone = false;
        session.once('goaway', () => { gone = true; });
      }
      await new Promise<void>((resolve) => {
        const req = session!.request({ ':path': '/' });
        let status = 0;
        let body = '';
        req.on('response', (h) => { status = Number(h[':status']); });
        req.setEncoding('utf8');
        req.on('data', (d: string) => { body += d; });
        req.on('end', () => {
          if (status === 200) answers.push(JSON.parse(body) as Answer);
          else failed.push(`status ${status}`);
          resolve();
        });
        req.on('error', (err) => { failed.push((err as NodeJS.ErrnoException).code ?? err.message); resolve(); });
      });
      await new Promise((r) => setTimeout(r, Math.random() * 5));
    }
    session?.close();
  });
  return { answers, stop: async () => { running = false; await Promise.all(loops); return failed; } };
}

test(`HTTP/2 streams counted: each worker of a streams-only app replaced after ${LIMIT} requests, twice, 0 failed`, { timeout: 120000 }, async (t) => {
  const { master, port } = await startMaster({ script: fixture('h2-stream-app.js'), workers: 2, maxRequests: LIMIT, healthInterval: 100, minUptime: 100 });
  const logs: string[] = [];
  master.on('log', (line: string) => logs.push(line));
  try {
    const before = master.workers().map((w) => w.pid);
    const load = h2Load(port, 4);
    await waitFor(() => master.workers().every((w) => w.recycles.requests >= 2), 90000, `two request recycles of each worker; log:\n${logs.join('\n')}`);
    const failed = await load.stop();
    assert.deepEqual(failed, [], 'no request failed');

    const byPid = new Map<number, Answer[]>();
    for (const a of load.answers) byPid.set(a.pid, [...(byPid.get(a.pid) ?? []), a]);
    t.diagnostic(`${load.answers.length} answers, by pid ${JSON.stringify([...byPid].map(([pid, list]) => [pid, list.length]))}`);
    const lines = logs.map((l) => /^worker \d+ \(pid (\d+)\) received (\d+) HTTP requests \(maxRequests 30\); replacing it, new process first$/.exec(l)).filter((m) => m !== null);
    t.diagnostic(`received at replacement: ${lines.map((m) => m[2]).join(', ')}`);
    // Not even a drain puts a 'request' listener on a streams-only server (drain.ts).
    assert.equal(load.answers.filter((a) => a.requestListeners > 0).length, 0, 'answers given with a \'request\' listener on the server');
    assert.ok(lines.length >= 4, logs.join('\n'));
    for (const [line, pid, received] of lines) {
      assert.ok(Number(received) >= LIMIT, line);
      const answered = byPid.get(Number(pid)) ?? [];
      assert.ok(answered.length >= Number(received), `${line}: the clients got ${answered.length} answers from it`);
    }

    // Exact: once a heartbeat has answered after the load, each current process's count is its answers.
    await waitFor(() => master.workers().every((w) => w.state === 'ready' && w.requests === (byPid.get(w.pid)?.length ?? 0)), 10000,
      `requests against answers: ${JSON.stringify(master.workers().map((w) => [w.pid, w.requests, byPid.get(w.pid)?.length ?? 0]))}`);
    for (const w of master.workers()) {
      assert.ok(!before.includes(w.pid), `worker ${w.id} runs a new process`);
      assert.equal(w.restarts, 0);
      assert.deepEqual({ ...w.recycles, requests: 0 }, { memory: 0, connections: 0, requests: 0, lifetime: 0 });
    }
    assert.equal(master.stats.droppedTotal, 0);
  } finally {
    await master.stop();
  }
});
