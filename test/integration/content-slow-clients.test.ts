// Many slowloris clients at once: each trickles a byte at a time, so an idle timeout would never
// fire; the preread's total time limit cuts every one, counted, while normal clients are served,
// and the master holds at most maxBytes per client meanwhile.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import type { Master } from '../../src/index.js';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

const SLOW = 150;
let master: Master;
let port: number;

before(async () => {
  ({ master, port } = await startMaster({
    script: fixture('http-app.js'), workers: 2, listen: undefined,
    listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'http', timeout: 1500, maxBytes: 256 } }],
  } as never));
});
after(async () => { await master.stop(); });

/** Writes one byte of a never-ending head every 100 ms; resolves with what came back once closed. */
function trickle(): Promise<{ received: number; sent: number }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const head = 'GET / HTTP/1.1\r\nX-Slow: ' + 'a'.repeat(1000);
    let sent = 0;
    let received = 0;
    const timer = setInterval(() => { if (sent < head.length && s.writable) s.write(head[sent++]); }, 100);
    s.on('data', (d) => { received += d.length; });
    s.on('error', () => {});
    s.on('close', () => { clearInterval(timer); resolve({ received, sent }); });
  });
}

test(`${SLOW} trickling clients are all cut at the time limit and counted; others are served meanwhile`, async () => {
  const before = master.stats.dropped.preread_timeout;
  const started = Date.now();
  const slow = Array.from({ length: SLOW }, trickle);
  await waitFor(() => master.table.size >= SLOW, 3000, 'every slow client to be accepted');
  // The master is not tied up by them: a normal request goes through at once.
  const t0 = Date.now();
  const ok = await get(port, '/fast');
  assert.equal(ok.status, 200);
  assert.ok(Date.now() - t0 < 1000, `served in ${Date.now() - t0} ms`);
  const results = await Promise.all(slow);
  const took = Date.now() - started;
  // Each had begun a head: the master's 408 (70 bytes), and nothing from the application.
  assert.deepEqual(results.filter((r) => r.received !== 70), [], 'every slow client got the 408 alone');
  assert.ok(results.every((r) => r.sent < 40), 'each was cut after ~15 bytes, not when it stopped');
  assert.ok(took < 6000, `all cut in ${took} ms (limit 1500 each)`);
  await waitFor(() => master.stats.dropped.preread_timeout === before + SLOW, 2000, 'every cut to be counted');
  await waitFor(() => master.table.size === 0, 2000, 'the table to empty');
  assert.equal(master.connections().length, 0);
});
