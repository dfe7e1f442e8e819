// The periodic sweep asks each worker which connections it holds and drops records it does not.
import assert from 'node:assert/strict';
import net from 'node:net';
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

test('a connection whose client has not spoken yet keeps its record through sweeps, and is served', async () => {
  // An HTTP server: the worker reads the client's first bytes before the server has the connection.
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 1, sweepInterval: 100 });
  const quiet = new net.Socket();
  try {
    await new Promise<void>((resolve, reject) => quiet.once('error', reject).connect(port, '127.0.0.1', resolve));
    await waitFor(() => master.connections({ state: 'established' }).length === 1, 2000, 'the quiet connection\'s record');
    // A ghost record added now is collected by the next sweep: once it is gone, a sweep has run
    // while the quiet client had sent nothing (the worker waits 5 s for its first bytes).
    const ghost = master.table.add('tcp', '192.0.2.7', 40000, 0, State.Queued, Date.now());
    master.table.assign(ghost, 1, master.workers()[0].pid);
    master.table.establish(ghost, Date.now());
    await waitFor(() => !master.table.has(ghost), 3000, 'a sweep to collect the ghost record');
    const records = master.connections({ state: 'established' });
    assert.deepEqual(records.map((r) => r.clientPort), [quiet.localPort], 'the quiet connection\'s record stays');
    let answer = '';
    quiet.setEncoding('latin1').on('data', (d: string) => (answer += d));
    const closed = new Promise((r) => quiet.once('close', r));
    quiet.end('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await closed;
    assert.match(answer, /^HTTP\/1\.1 200 /);
    await waitFor(() => master.table.size === 0, 2000, 'its record removed at close');
  } finally {
    quiet.destroy();
    await master.stop();
  }
});
