// A throw in portplex's drain step (the "Connection: close" it sets on each response once the
// worker drains) is a counted fault: the request is answered all the same, by the same process,
// which then ends by itself.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

/** A raw connection that collects what it reads. */
function open(port: number): { socket: net.Socket; text: () => string } {
  let text = '';
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => { text += d; });
  socket.on('error', () => {});
  return { socket, text: () => text };
}

test('a request on a kept-alive connection during the drain is answered when setting its header throws', async () => {
  const { master, port } = await startMaster({ script: fixture('drain-fault-app.js'), workers: 1 });
  const logs: string[] = [];
  master.on('log', (line: string) => logs.push(line));
  const keep = open(port);
  const watch = open(port);
  keep.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  watch.socket.write('GET /watch HTTP/1.1\r\nHost: x\r\n\r\n');
  await waitFor(() => keep.text().includes('"pid"') && watch.text().includes('watching'), 5000, 'the first answer and the watch');
  const pid = Number(/"pid":(\d+)/.exec(keep.text())![1]);
  const stopped = master.stop();
  await waitFor(() => watch.text().includes('draining'), 5000, 'the drain to start');
  const before = keep.text().length;
  keep.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await waitFor(() => keep.text().slice(before).includes('"pid"'), 5000, 'the answer during the drain');
  assert.equal(Number(/"pid":(\d+)/.exec(keep.text().slice(before))![1]), pid, 'the same process answers');
  await waitFor(() => master.stats.workerFaults.drain === 1, 5000, 'the fault to be counted');
  assert.equal(logs.filter((l) => l.includes('failed in drain')).length, 1, JSON.stringify(logs));
  assert.match(logs.find((l) => l.includes('failed in drain'))!, /setHeader refused/);
  await stopped;
  keep.socket.destroy();
  watch.socket.destroy();
});
