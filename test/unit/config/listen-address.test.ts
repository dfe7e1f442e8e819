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

const udp: Array<[string, string | undefined, number]> = [
  ['udp:5353', undefined, 5353],
  ['UDP:127.0.0.1:53', '127.0.0.1', 53],
  ['udp:[::1]:5353', '::1', 5353],
  ['udp::5353', undefined, 5353],
];

for (const [input, host, port] of udp) {
  test(`parses ${JSON.stringify(input)} as udp`, () => {
    assert.deepEqual(parseListen(input, 'listen'), { protocol: 'udp', host, port });
  });
}

test('listenKey keeps TCP and UDP on the same port apart', () => {
  assert.notEqual(listenKey(parseListen('5353', 'l')), listenKey(parseListen('udp:5353', 'l')));
  assert.equal(listenKey(parseListen('udp:5353', 'l')), listenKey(parseListen('udp::5353', 'l')));
});

for (const input of ['udp:', 'udp:abc', 'udp:65536', 'udp:1.2.3.4:']) {
  test(`rejects ${JSON.stringify(input)} naming the option`, () => {
    assert.throws(() => parseListen(input, '--listen'), /^ConfigError: --listen: /);
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
