// With no eligible worker, connections wait in a bounded queue, then are closed and counted.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { createMaster } from '../../src/index.js';
import { fixture } from '../helpers/cluster.js';

function closedAfter(port: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    s.on('close', () => resolve(Date.now() - started));
  });
}

test('queued connections time out after --queue-timeout; beyond --queue-size they are closed at once', async () => {
  const master = createMaster({ script: fixture('never-listens.js'), workers: 1, listen: '127.0.0.1:0', queueTimeout: 400, queueSize: 2, grace: 500 });
  const [{ port }] = await master.start();
  try {
    const waits = await Promise.all([closedAfter(port), closedAfter(port), closedAfter(port)]);
    waits.sort((a, b) => a - b);
    assert.ok(waits[0] < 300, `the third connection was refused at once (${waits[0]} ms)`);
    assert.ok(waits[1] >= 350 && waits[2] >= 350, `the two queued ones waited the timeout (${waits.join(', ')} ms)`);
    assert.equal(master.stats.dropped.queue_full, 1);
    assert.equal(master.stats.dropped.queue_timeout, 2);
    assert.equal(master.stats.accepted[0], 3);
    assert.equal(master.table.size, 0, 'no record left behind');
  } finally {
    await master.stop();
  }
});
