// A keep-alive connection that is idle when its process starts to drain (its last answer did
// not say "close") is not closed under the client, who may be sending its next request at that
// moment: that request is answered, by the process that held the connection, with
// "Connection: close", and then the connection ends.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

/** Sends one keep-alive request on `socket` and resolves with the raw answer. */
function ask(socket: net.Socket, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: string): void => {
      text += d;
      const head = text.indexOf('\r\n\r\n');
      const len = /\r\ncontent-length: (\d+)/i.exec(text);
      if (head >= 0 && len && text.length >= head + 4 + Number(len[1])) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('end', () => reject(new Error(`closed before the answer to ${path}: ${JSON.stringify(text)}`)));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  });
}

test('a keep-alive connection idle during a reload gets its next request answered with Connection: close', { timeout: 30000 }, async () => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 1 });
  try {
    const socket = net.connect(port, '127.0.0.1').setEncoding('utf8');
    const first = await ask(socket, '/first');
    assert.doesNotMatch(first, /\r\nconnection: close\r\n/i, 'kept alive');
    const oldPid = JSON.parse(first.slice(first.indexOf('\r\n\r\n') + 4)).pid;
    const closed = new Promise<boolean>((resolve) => socket.on('close', (hadError) => resolve(hadError)));
    assert.deepEqual(await master.reload(), { replaced: [1] });
    // New clients go to the new process meanwhile; the idle connection stays with the old one.
    for (let i = 0; i < 40; i++) assert.notEqual(JSON.parse((await get(port)).body).pid, oldPid);
    await waitFor(() => master.workers()[0].pid !== oldPid, 3000, 'the switch');
    const next = await ask(socket, '/next');
    assert.match(next, /^HTTP\/1\.1 200 /);
    assert.match(next, /\r\nconnection: close\r\n/i, 'the last answer says so');
    assert.equal(JSON.parse(next.slice(next.indexOf('\r\n\r\n') + 4)).pid, oldPid, 'by the process that held it');
    assert.equal(await closed, false, 'then closed cleanly');
  } finally {
    await master.stop();
  }
});
