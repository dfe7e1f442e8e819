// Direct mode and scale: a worker added at run time gets a copy of the shared socket and
// accepts on it; a removed one gives its copy up.
import assert from 'node:assert/strict';
import type net from 'node:net';
import { test } from 'node:test';
import { firstLine, fixture, startMaster, waitFor } from '../helpers/cluster.js';

test('scale 2 -> 3: the new worker accepts on the shared socket; scale 3 -> 2: it stops', async () => {
  const { master, port } = await startMaster({ script: fixture('hold.js'), workers: 2, mode: 'direct' });
  const open: net.Socket[] = [];
  try {
    master.scale(3);
    await waitFor(() => master.workers().length === 3 && master.workers().every((w) => w.state === 'ready'), 5000, 'worker 3 ready');
    // Only worker 3 may take new connections: it must hold a copy of the socket.
    master.drain(1);
    master.drain(2);
    const lines: string[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await firstLine(port);
      open.push(c.socket);
      lines.push(c.line);
    }
    assert.deepEqual(lines, new Array(6).fill('3'));
    await waitFor(() => master.table.activeCount(3) === 6, 2000, 'six records for worker 3');
    master.undrain(1);
    master.undrain(2);
    for (const s of open.splice(0)) s.destroy();
    master.scale(2);
    await waitFor(() => master.workers().length === 2, 5000, 'worker 3 gone');
    for (let i = 0; i < 6; i++) {
      const c = await firstLine(port);
      open.push(c.socket);
      assert.ok(c.line === '1' || c.line === '2', c.line);
    }
  } finally {
    for (const s of open) s.destroy();
    await master.stop();
  }
});
