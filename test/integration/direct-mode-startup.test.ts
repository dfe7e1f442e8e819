// Direct mode at start: the master's socket is bound but listens only once a worker listens on
// its copy, so 'ready' waits for that: a connection made right after it is never refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstLine, fixture, startMaster } from '../helpers/cluster.js';

test('five masters in a row: the first connection right after whenReady() is served, never refused', async () => {
  for (let i = 0; i < 5; i++) {
    const { master, port } = await startMaster({ script: fixture('hold.js'), workers: 2, mode: 'direct' });
    try {
      const c = await firstLine(port);
      assert.ok(c.line === '1' || c.line === '2', c.line);
      c.socket.destroy();
    } finally {
      await master.stop();
    }
  }
});
