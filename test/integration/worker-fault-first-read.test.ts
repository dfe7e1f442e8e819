// A throw in portplex's first read of a connection (here the stop of the read, which the fixture
// makes throw once) is a counted fault: that connection is closed and its close reported to the
// master, and the same process serves the next one.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

test('a fault in the first read closes that connection, reports it, and the process goes on', async () => {
  const { master, port } = await startMaster({ script: fixture('first-read-fault-app.js'), workers: 1 });
  const logs: string[] = [];
  master.on('log', (line: string) => logs.push(line));
  master.on('worker-exit', (w: { pid: number }, how: string) => logs.push(`exit: pid ${w.pid} ${how}`));
  try {
    const pid = master.workers()[0].pid;
    let answer = '';
    let closed = false;
    const client = net.connect(port, '127.0.0.1');
    client.setEncoding('utf8');
    client.on('data', (d: string) => { answer += d; });
    client.on('error', () => {});
    client.on('close', () => { closed = true; });
    client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => closed, 10000, 'the faulted connection to be closed');
    assert.equal(answer, '', 'closed without an answer');
    await waitFor(() => master.stats.workerFaults['first-read'] === 1, 10000, 'the fault to be counted');
    // Its close reported: the master's record went with it.
    await waitFor(() => master.table.size === 0, 10000, 'the record to leave the table');
    const line = logs.filter((l) => l.includes('failed in first-read'));
    assert.equal(line.length, 1, JSON.stringify(logs));
    assert.match(line[0], /readStop refused/);
    const after = JSON.parse((await get(port)).body) as { pid: number };
    assert.equal(after.pid, pid, `the same process serves the next connection: ${JSON.stringify(logs)}`);
    assert.equal(master.workers()[0].restarts, 0);
    assert.equal(master.stats.workerFaults['first-read'], 1, 'one fault only');
  } finally {
    await master.stop();
  }
});
