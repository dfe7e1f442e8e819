// stop() called while start() is still binding: nothing is forked, nothing stays bound.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { createMaster } from '../../src/index.js';
import { fixture } from '../helpers/cluster.js';

test('stop during start leaves no worker and no listener behind', async () => {
  // "localhost" makes the bind wait for a name lookup, so stop() lands in the middle of start().
  const master = createMaster({ script: fixture('http-app.js'), workers: 2, listen: 'localhost:0', grace: 500 });
  const starting = master.start();
  const stopped = master.stop();
  const [listener] = await starting;
  assert.equal(await stopped, 0);
  assert.equal(await master.closed, 0);
  assert.deepEqual(master.workers().map((w) => [w.pid, w.state]), [[0, 'exited'], [0, 'exited']]);
  const refused = await new Promise<string>((resolve) => {
    const s = net.connect(listener.port, listener.address);
    s.on('connect', () => { s.destroy(); resolve('connected'); });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
  assert.equal(refused, 'ECONNREFUSED');
});
