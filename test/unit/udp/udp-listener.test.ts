import assert from 'node:assert/strict';
import { test } from 'node:test';
import { literalFirst } from '../../../src/udp/udp-listener.js';

test('the master sockets\' lookup answers address literals at once, names through the resolver', async () => {
  const got: unknown[] = [];
  literalFirst('192.0.2.1', 4, (err, address, family) => got.push([err, address, family]));
  literalFirst('::ffff:192.0.2.1', 6, (err, address, family) => got.push([err, address, family]));
  assert.deepEqual(got, [[null, '192.0.2.1', 4], [null, '::ffff:192.0.2.1', 6]], 'called before returning: no tick per datagram');
  const named = await new Promise<unknown[]>((resolve) => literalFirst('localhost', 4, (err, address, family) => resolve([err, address, family])));
  assert.deepEqual(named, [null, '127.0.0.1', 4]);
});
