// Pins what guardInternalMessages relies on in Node's channel code: internal messages go through
// the ChildProcess's own emit('internalMessage'), `_handleQueue` is an array only while a handle
// is in flight, and the handle messages Node's listener would choke on are caught before it.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { HANDLE_TYPES, guardInternalMessages, handleMessageFault } from '../../../src/internals/internal-messages.js';
import { fixture } from '../../helpers/cluster.js';

/** The test's child; a write Node makes to it after the test kills it (an ack) fails with EPIPE, which is not what these tests look at. */
function forkChild(lines: string[]): ChildProcess {
  const child = fork(fixture('handle-lines-child.js'), lines, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.on('error', () => {});
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill();
  await exited;
}

test('handleMessageFault names what Node would choke on, and passes the rest', () => {
  const idle = { _handleQueue: null };
  const sending = { _handleQueue: [] };
  const fd = { close() {} };
  const cases: Array<[object, unknown, unknown, string | undefined]> = [
    [idle, { cmd: 'NODE_HANDLE_ACK' }, undefined, 'a NODE_HANDLE_ACK with no handle sent to it'],
    [idle, { cmd: 'NODE_HANDLE_NACK' }, undefined, 'a NODE_HANDLE_NACK with no handle sent to it'],
    [sending, { cmd: 'NODE_HANDLE_ACK' }, undefined, undefined],
    [idle, { cmd: 'NODE_HANDLE', type: 'net.Socket', msg: {} }, undefined, 'a NODE_HANDLE without a descriptor'],
    [idle, { cmd: 'NODE_HANDLE', type: 'bogus', msg: {} }, fd, 'a NODE_HANDLE of unknown type "bogus"'],
    [idle, { cmd: 'NODE_HANDLE', type: 'toString', msg: {} }, fd, 'a NODE_HANDLE of unknown type "toString"'],
    [idle, { cmd: 'NODE_HANDLE', msg: {} }, fd, 'a NODE_HANDLE of unknown type undefined'],
    [idle, { cmd: 'NODE_PORTPLEX', t: 'ready' }, undefined, undefined],
    [idle, 42, undefined, undefined],
    [idle, null, undefined, undefined],
  ];
  for (const [child, message, handle, fault] of cases) assert.equal(handleMessageFault(child, message, handle), fault, JSON.stringify(message));
  for (const type of HANDLE_TYPES) assert.equal(handleMessageFault(idle, { cmd: 'NODE_HANDLE', type, msg: {} }, fd), undefined);
});

test("Node's handle messages reach the guard first: forged ones are refused and the parent lives; a real handle still arrives", async () => {
  const lines = ['{"cmd":"NODE_HANDLE_ACK"}', '{"cmd":"NODE_HANDLE_NACK"}', '{"cmd":"NODE_HANDLE","type":"net.Socket","msg":{}}'];
  const child = forkChild(lines);
  try {
    assert.equal((child as unknown as { _handleQueue: unknown })._handleQueue, null, 'no handle in flight: _handleQueue is null');
    const refused: string[] = [];
    const allRefused = new Promise<void>((resolve) => {
      guardInternalMessages(child, (why) => { if (refused.push(why) === lines.length) resolve(); }, () => false);
    });
    const arrived = new Promise<[unknown, { close(): void }]>((resolve) => {
      child.on('internalMessage', (m: { cmd?: string }, h: { close(): void }) => { if (m.cmd === 'NODE_PORTPLEX_TEST') resolve([m, h]); });
    });
    await allRefused;
    child.send('go');
    const [message, handle] = await arrived;
    // Node converted the real one ('net.Server', a type the guard knows).
    assert.deepEqual(message, { cmd: 'NODE_PORTPLEX_TEST', t: 'server' });
    assert.equal(handle.constructor.name, 'Server');
    handle.close();
    assert.deepEqual(refused, ['a NODE_HANDLE_ACK with no handle sent to it', 'a NODE_HANDLE_NACK with no handle sent to it', 'a NODE_HANDLE without a descriptor']);
  } finally {
    await stop(child);
  }
});

test('_handleQueue is an array while a handle sent to the child waits for its NODE_HANDLE_ACK', async () => {
  const child = forkChild([]);
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    child.send({ cmd: 'NODE_PORTPLEX_TEST', t: 'x' }, server);
    assert.ok(Array.isArray((child as unknown as { _handleQueue: unknown })._handleQueue), 'a handle in flight: _handleQueue is an array');
  } finally {
    server.close();
    await stop(child);
  }
});
