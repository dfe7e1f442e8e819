import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listenKey, parseListen } from '../../../src/config/listen-address.js';

const good: Array<[unknown, string | undefined, number]> = [
  [8080, undefined, 8080],
  ['8080', undefined, 8080],
  [':8080', undefined, 8080],
  ['0.0.0.0:80', '0.0.0.0', 80],
  ['[::]:443', '::', 443],
  ['[fe80::1]:1', 'fe80::1', 1],
  ['localhost:3000', 'localhost', 3000],
  ['tcp:8080', undefined, 8080],
  ['TCP:127.0.0.1:8080', '127.0.0.1', 8080],
  ['127.0.0.1:0', '127.0.0.1', 0],
];

for (const [input, host, port] of good) {
  test(`parses ${JSON.stringify(input)}`, () => {
    assert.deepEqual(parseListen(input, 'listen'), { protocol: 'tcp', host, port });
  });
}

for (const input of ['', 'abc', '65536', '-1', '1.5', '[::1]8080', '[zz]:80', 'host:', null, {}, 80.5]) {
  test(`rejects ${JSON.stringify(input)} naming the option`, () => {
    assert.throws(() => parseListen(input, '--listen'), /^ConfigError: --listen: /);
  });
}

test('listenKey equates the same address', () => {
  assert.equal(listenKey(parseListen('8080', 'l')), listenKey(parseListen(':8080', 'l')));
  assert.notEqual(listenKey(parseListen('127.0.0.1:8080', 'l')), listenKey(parseListen('8080', 'l')));
});
