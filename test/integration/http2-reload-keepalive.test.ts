// Five rolling reloads while HTTP/2 clients send request after request on their sessions: each
// session of an old process gets a GOAWAY with its next request, finishes it, and the client
// goes on with a new session on a new process; no request fails and the old processes exit
// without waiting for --grace.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { test } from 'node:test';
import { createMaster, type Master } from '../../src/index.js';
import { fixture, freePort, startMaster, waitFor } from '../helpers/cluster.js';

const CLIENTS = 8;
const RELOADS = 5;

/** Clients with one session each, one request at a time; a new session after a GOAWAY, as HTTP/2 clients do. */
function h2Load(port: number): { answered: () => number; goaways: () => number; stop: () => Promise<string[]> } {
  let running = true;
  let answered = 0;
  let goaways = 0;
  const failed: string[] = [];
  const loops = Array.from({ length: CLIENTS }, async () => {
    let session: http2.ClientHttp2Session | undefined;
    let gone = true;
    while (running) {
      if (gone || session!.closed || session!.destroyed) {
        session = http2.connect(`http://127.0.0.1:${port}`);
        session.on('error', (err) => failed.push(`session: ${err.message}`));
        gone = false;
        session.once('goaway', () => { gone = true; goaways++; });
      }
      await new Promise<void>((resolve) => {
        const req = session!.request({ ':path': '/' });
        let status = 0;
        req.on('response', (h) => { status = Number(h[':status']); });
        req.resume();
        req.on('end', () => {
          if (status === 200) answered++;
          else failed.push(`status ${status}`);
          resolve();
        });
        req.on('error', (err) => { failed.push((err as NodeJS.ErrnoException).code ?? err.message); resolve(); });
      });
    }
    session?.close();
  });
  return { answered: () => answered, goaways: () => goaways, stop: async () => { running = false; await Promise.all(loops); return failed; } };
}

const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

// The app's port configured with -l, and (no -l) bound by the master when the app asks for it.
for (const how of ['configured', 'asked for by the app'] as const) test(`${RELOADS} reloads under HTTP/2 load, port ${how}: 0 failed requests, every old session ended by a GOAWAY`, { timeout: 60000 }, async (t) => {
  let master: Master;
  let port: number;
  if (how === 'configured') {
    ({ master, port } = await startMaster({ script: fixture('h2c-app.js'), workers: 2, grace: 10000 }));
  } else {
    port = await freePort();
    master = createMaster({ script: fixture('h2c-app.js'), workers: 2, grace: 10000, env: { PORT: String(port) } });
    master.on('error', () => {});
    await master.start();
    await master.whenReady();
    await waitFor(() => master.listenerInfo().length === 1 && master.workers().every((w) => w.listening.length === 1), 10000, 'the app to ask for its port');
  }
  const load = h2Load(port);
  try {
    const old: number[] = [];
    for (let r = 0; r < RELOADS; r++) {
      const from = load.answered();
      await waitFor(() => load.answered() >= from + 200, 10000, `answers before reload ${r + 1}`);
      old.push(...master.workers().map((w) => w.pid));
      assert.deepEqual(await master.reload(), { replaced: [1, 2] });
    }
    // With --grace 10 s, the last call would come at 9 s: the old sessions end long before, on their GOAWAYs.
    await waitFor(() => old.every((p) => !alive(p)), 8000, 'the old processes to finish their sessions and exit');
    const from = load.answered();
    await waitFor(() => load.answered() >= from + 200, 10000, 'answers after the last reload');
    const failed = await load.stop();
    t.diagnostic(`${load.answered()} answered, ${load.goaways()} GOAWAYs, failed: ${JSON.stringify(failed)}`);
    assert.deepEqual(failed, []);
    assert.ok(load.goaways() >= CLIENTS * RELOADS, `each reload ends every session: ${load.goaways()} GOAWAYs`);
  } finally {
    await load.stop();
    await master.stop();
  }
});
