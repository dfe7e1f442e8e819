// Under a low open-file limit the master refuses (and counts) what it cannot hold, instead of
// running into EMFILE, where libuv would shed connections unseen; then it serves again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';
import { firstLine, fixture, waitFor } from '../helpers/cluster.js';

interface Report { port: number; accepted: number; handedOver: number; dropped: Record<string, number>; acceptErrors: number }

test('120 connections against a master with ulimit -n 100: every one accepted and accounted for, then service resumes', async () => {
  const child = spawn('bash', ['-c', `ulimit -n 100 && exec "${process.execPath}" "${fixture('low-fd-master.js')}"`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let last: Report | undefined;
  let buf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l.startsWith('{')) last = JSON.parse(l) as Report;
  });
  try {
    await waitFor(() => last !== undefined, 10000, 'the master to start');
    const port = last!.port;
    const first = await firstLine(port);
    const outcomes = await Promise.all(Array.from({ length: 120 }, () => new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      const timer = setTimeout(() => resolve('hung'), 8000);
      s.on('data', () => { clearTimeout(timer); resolve('served'); s.destroy(); });
      s.on('error', () => {});
      s.on('close', () => { clearTimeout(timer); resolve('closed'); });
    })));
    assert.equal(outcomes.filter((o) => o === 'hung').length, 0);
    assert.equal(outcomes.filter((o) => o === 'served').length, 0, 'the only worker is busy with the first client');
    await waitFor(() => last!.accepted === 121 && last!.dropped.fd_limit + last!.dropped.queue_timeout === 120, 5000, `all 120 counted: ${JSON.stringify(last)}`);
    assert.ok(last!.dropped.fd_limit > 0, `some were refused for the descriptor budget: ${JSON.stringify(last)}`);
    assert.ok(last!.dropped.queue_timeout > 0, `some waited in the queue: ${JSON.stringify(last)}`);
    assert.equal(last!.acceptErrors, 0, 'the master never ran into EMFILE');
    // Service resumes: the next client waits for the worker and gets it once the first one leaves.
    const next = firstLine(port);
    await new Promise((r) => setTimeout(r, 100));
    first.socket.destroy();
    assert.equal((await next).line, '1');
    (await next).socket.destroy();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
  }
});
