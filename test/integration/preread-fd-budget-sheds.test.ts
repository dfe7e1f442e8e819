// Slow clients past the descriptor budget (ulimit -n 200, --max-prereading above it): the oldest
// connection being read is closed to make room for each new one, so normal clients are served
// and nothing is refused as fd_limit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, get, waitFor } from '../helpers/cluster.js';

interface Report { port: number; accepted: number; dropped: Record<string, number>; acceptErrors: number }

const SLOW = 200;
const NORMAL = 20;

test(`${SLOW} slow clients against ulimit -n 200: the oldest reads make room, ${NORMAL} normal requests are served`, async () => {
  const child = spawn('bash', ['-c', `ulimit -n 200 && exec "${process.execPath}" "${fixture('low-fd-preread-master.js')}"`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let last: Report | undefined;
  let buf = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => { stderr += d; });
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l.startsWith('{')) last = JSON.parse(l) as Report;
  });
  const slow: net.Socket[] = [];
  try {
    await waitFor(() => last !== undefined, 10000, 'the master to start');
    const port = last!.port;
    let closed = 0;
    for (let i = 0; i < SLOW; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => { closed++; });
      s.write('GET /slow HTTP/1.1\r\nHost: x\r\n');
      slow.push(s);
    }
    await waitFor(() => last!.accepted === SLOW, 5000, `every slow client to be accepted: ${JSON.stringify(last)}`);
    assert.ok(last!.dropped.preread_shed > 0, `the budget ran short: ${JSON.stringify(last)}`);
    for (let i = 0; i < NORMAL; i++) {
      const r = await get(port, `/n${i}`);
      assert.equal(r.status, 200, `normal request ${i}`);
    }
    await waitFor(() => last!.accepted === SLOW + NORMAL && closed === last!.dropped.preread_shed, 5000, `every shed client to see its close: ${JSON.stringify(last)}`);
    assert.equal(last!.dropped.fd_limit, 0, 'nothing refused while slow clients could make room');
    assert.equal(last!.acceptErrors, 0, 'the master never ran into EMFILE');
    assert.equal(last!.dropped.preread_timeout, 0);
    assert.match(stderr, /maxPrereading 10000 exceeds/, 'the master warned that the cap cannot be reached');
  } finally {
    for (const s of slow) s.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
  }
});
