import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseListenArgs } from '../../../src/in-worker/listen-args.js';

const cb = (): void => {};

test('port and Unix socket forms are read; handle and fd forms are left alone', () => {
  const cases: Array<[unknown[], Partial<ReturnType<typeof parseListenArgs>> | undefined]> = [
    [[8080], { port: 8080, host: undefined, backlog: undefined, callback: undefined }],
    [['8080', cb], { port: 8080, callback: cb }],
    [[8080, '127.0.0.1', cb], { port: 8080, host: '127.0.0.1', callback: cb }],
    [[8080, '::', 100, cb], { port: 8080, host: '::', backlog: 100, callback: cb }],
    [[8080, 100], { port: 8080, backlog: 100 }],
    [[{ port: 8080, host: 'localhost', backlog: 5 }, cb], { port: 8080, host: 'localhost', backlog: 5, callback: cb }],
    [[{ port: '9000' }], { port: 9000 }],
    // Unix sockets, as Node's listen() reads a string that is not a number >= 0.
    [['/tmp/sock'], { path: '/tmp/sock', port: 0 }],
    [['/tmp/sock', 50, cb], { path: '/tmp/sock', backlog: 50, callback: cb }],
    [['-1'], { path: '-1' }],
    [['\0abstract'], { path: '\0abstract' }],
    [[{ path: '/tmp/sock', port: 8080 }], { path: '/tmp/sock', port: 0 }],
    [[{ path: '/tmp/sock', exclusive: true }], { path: '/tmp/sock', exclusive: true }],
    [['8080'], { path: undefined, port: 8080 }],
    [[{ path: '' }], undefined],
    [[{ fd: 3 }], undefined],
    // Any port, as Node's listen() takes it: shared through the master like any other.
    [[0], { port: 0 }],
    [[], { port: 0, callback: undefined }],
    [[cb], { port: 0, callback: cb }],
    [[{ port: 0, exclusive: true }], { port: 0, exclusive: true }],
    [[{ port: 8080 }], { exclusive: false }],
    [[70000], undefined],
  ];
  for (const [args, expected] of cases) {
    const got = parseListenArgs(args);
    if (expected === undefined) assert.equal(got, undefined, JSON.stringify(args));
    else for (const [k, v] of Object.entries(expected)) assert.equal((got as unknown as Record<string, unknown>)[k], v, `${JSON.stringify(args)} ${k}`);
  }
});
