// A connection a worker took just before it was told to stop, whose request has not arrived yet,
// is served when the request comes (with Connection: close), not reset: http.Server.close()
// alone would destroy it as "idle".
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, startMaster, waitFor } from '../helpers/cluster.js';

test('a reload serves the request of a connection accepted before it, sent after it', async () => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 1 });
  try {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => { answer += d; });
    const ended = new Promise<string>((resolve) => socket.on('close', () => resolve(answer)));
    await waitFor(() => master.connections({ state: 'established' }).length === 1, 5000, 'the connection handed over');
    const oldPid = master.workers()[0].pid;
    const result = await master.reload();
    assert.deepEqual(result.replaced, [1]);
    // The old process is draining now; the connection's first request only comes now.
    socket.write('GET /late HTTP/1.1\r\nHost: x\r\n\r\n');
    const text = await ended;
    assert.match(text, /^HTTP\/1\.1 200 /, `answered, not reset: ${JSON.stringify(text)}`);
    assert.match(text, /\r\nconnection: close\r\n/i);
    assert.equal(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).pid, oldPid, 'by the process that took it');
  } finally {
    await master.stop();
  }
});
