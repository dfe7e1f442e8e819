// Workers at --max-connections get nothing new; the next connection waits and is served when one closes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstLine, fixture, startMaster } from '../helpers/cluster.js';

test('with max 1 connection per worker, a third client waits for a free worker', async () => {
  const { master, port } = await startMaster({ script: fixture('hold.js'), workers: 2, maxConnections: 1 });
  try {
    const a = await firstLine(port);
    const b = await firstLine(port);
    assert.deepEqual(new Set([a.line, b.line]), new Set(['1', '2']));
    let third: string | undefined;
    const pending = firstLine(port).then((r) => { third = r.line; return r; });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(third, undefined, 'the third connection waits while both workers are full');
    assert.equal(master.connections({ state: 'queued' }).length, 1);
    a.socket.destroy();
    const c = await pending;
    assert.equal(c.line, a.line, 'it goes to the worker that freed up');
    b.socket.destroy();
    c.socket.destroy();
    assert.equal(master.stats.droppedTotal, 0);
  } finally {
    await master.stop();
  }
});
