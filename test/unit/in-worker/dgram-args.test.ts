// The bind() and send() call forms of node:dgram, as the worker's intercept reads them.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { exclusiveBindArgs, parseBindArgs } from '../../../src/in-worker/bind-args.js';
import { parseSendArgs } from '../../../src/in-worker/send-args.js';

const cb = (): void => {};

const binds: Array<{ args: unknown[]; expected: { port: number; address: string | undefined; callback: unknown } | undefined }> = [
  { args: [5353], expected: { port: 5353, address: undefined, callback: undefined } },
  { args: ['5353'], expected: { port: 5353, address: undefined, callback: undefined } },
  { args: [5353, cb], expected: { port: 5353, address: undefined, callback: cb } },
  { args: [5353, '0.0.0.0', cb], expected: { port: 5353, address: '0.0.0.0', callback: cb } },
  { args: [{ port: 5353, address: '::', exclusive: true }, cb], expected: { port: 5353, address: '::', callback: cb } },
  { args: [], expected: undefined },
  { args: [cb], expected: undefined },
  { args: [0], expected: undefined },
  { args: [{ fd: 3 }], expected: undefined },
  { args: [{ port: 70000 }], expected: undefined },
  { args: [null], expected: undefined },
];
for (const c of binds) {
  test(`parseBindArgs(${JSON.stringify(c.args)})`, () => {
    assert.deepEqual(parseBindArgs(c.args), c.expected);
  });
}

// What dgram's bind() reads of each form (port, address, fd, exclusive, callback), before and after.
const seen = (args: unknown[]): unknown => {
  const o = args[0] !== null && typeof args[0] === 'object' ? args[0] as Record<string, unknown> : undefined;
  const last = args[args.length - 1];
  return o !== undefined
    ? { port: o.port, address: o.address, fd: o.fd, exclusive: o.exclusive, cb: typeof last === 'function' ? last : undefined }
    : { port: args[0], address: typeof args[1] === 'function' ? undefined : args[1], fd: undefined, exclusive: undefined, cb: typeof last === 'function' ? last : undefined };
};
const exclusives: unknown[][] = [[], [cb], [5353], [5353, cb], [5353, '::1'], [5353, '::1', cb], [{ port: 5353, address: '::' }, cb], [{ fd: 3 }], [{ port: 0, exclusive: false }, null]];
for (const args of exclusives) {
  test(`exclusiveBindArgs(${JSON.stringify(args)}) binds the same, exclusive`, () => {
    const out = exclusiveBindArgs(args);
    const before = seen(args) as Record<string, unknown>;
    // bind(cb) reads the callback as the port, which binds port 0 as an absent one does.
    assert.deepEqual(seen(out), { ...before, port: typeof before.port === 'function' ? undefined : before.port, exclusive: true });
  });
}

test('exclusiveBindArgs leaves a bound handle as it is', () => {
  const handle = { recvStart: () => 0 };
  assert.deepEqual(exclusiveBindArgs([handle, cb]), [handle, cb]);
});

const sends: Array<{ name: string; args: unknown[]; expected: { data: string; port: number; address: string | undefined; callback: unknown } | undefined }> = [
  { name: 'buffer, port, address', args: [Buffer.from('abc'), 53, '192.0.2.1'], expected: { data: 'abc', port: 53, address: '192.0.2.1', callback: undefined } },
  { name: 'string, port, address, callback', args: ['abc', 53, '::1', cb], expected: { data: 'abc', port: 53, address: '::1', callback: cb } },
  { name: 'port and callback, no address', args: ['abc', 53, cb], expected: { data: 'abc', port: 53, address: undefined, callback: cb } },
  { name: 'offset and length', args: [Buffer.from('xabcx'), 1, 3, 53, '192.0.2.1'], expected: { data: 'abc', port: 53, address: '192.0.2.1', callback: undefined } },
  { name: 'a list of chunks', args: [['ab', Buffer.from('c'), new Uint8Array([100])], 53, '192.0.2.1'], expected: { data: 'abcd', port: 53, address: '192.0.2.1', callback: undefined } },
  { name: 'a DataView', args: [new DataView(new Uint8Array([97, 98]).buffer), 53, '192.0.2.1'], expected: { data: 'ab', port: 53, address: '192.0.2.1', callback: undefined } },
  { name: 'connected form: no port', args: ['abc', cb], expected: undefined },
  { name: 'port out of range', args: ['abc', 0, '192.0.2.1'], expected: undefined },
  { name: 'offset past the end', args: [Buffer.from('ab'), 1, 5, 53, '192.0.2.1'], expected: undefined },
  { name: 'a number payload', args: [42, 53, '192.0.2.1'], expected: undefined },
];
for (const c of sends) {
  test(`parseSendArgs: ${c.name}`, () => {
    const got = parseSendArgs(c.args);
    assert.deepEqual(got && { ...got, data: got.data.toString() }, c.expected);
  });
}

test('node:dgram sockets expose the type the intercept reads (pinned)', () => {
  assert.equal((dgram.createSocket('udp4') as unknown as { type: string }).type, 'udp4');
  assert.equal((dgram.createSocket('udp6') as unknown as { type: string }).type, 'udp6');
});
