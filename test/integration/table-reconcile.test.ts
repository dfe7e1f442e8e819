// The periodic sweep asks each worker which connections it holds and drops records it does not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { State } from '../../src/table/types.js';
import { firstLine, fixture, startMaster, waitFor } from '../helpers/cluster.js';

test('a stale established record is collected by the sweep; live ones stay', async () => {
  const { master, port } = await startMaster({ script: fixture('hold.js'), workers: 1, sweepInterval: 200 });
  try {
    const live = await firstLine(port);
    await waitFor(() => master.connections({ state: 'established' }).length === 1, 2000, 'the live record');
    // A record whose close report was lost: the worker does not hold it.
    const pid = master.workers()[0].pid;
    const ghost = master.table.add('tcp', '192.0.2.7', 40000, 0, State.Queued, Date.now());
    master.table.assign(ghost, 1, pid);
    master.table.establish(ghost, Date.now());
    assert.equal(master.workers()[0].active, 2);
    await waitFor(() => !master.table.has(ghost), 3000, 'the sweep to collect the ghost record');
    assert.equal(master.workers()[0].active, 1);
    assert.equal(master.connections({ state: 'established' })[0].clientPort, live.socket.localPort);
    live.socket.destroy();
  } finally {
    await master.stop();
  }
});
