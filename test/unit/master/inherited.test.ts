import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InheritedSockets } from '../../../src/master/inherited.js';

function handle(name: string, closed: string[]): { name: string; close(): void } {
  return { name, close: () => closed.push(name) };
}

test('a listener takes the socket of its host and bound port; port 0 takes the port-0 sockets of its host in order; the rest is closed', () => {
  const closed: string[] = [];
  const s = new InheritedSockets();
  s.add({ protocol: 'tcp', host: '127.0.0.1', port: 8080, boundPort: 8080, handle: handle('a', closed) });
  s.add({ protocol: 'tcp', host: undefined, port: 8080, boundPort: 8080, handle: handle('all', closed) });
  s.add({ protocol: 'tcp', host: '127.0.0.1', port: 0, boundPort: 40001, handle: handle('z1', closed) });
  s.add({ protocol: 'tcp', host: '127.0.0.1', port: 0, boundPort: 40002, handle: handle('z2', closed) });
  s.add({ protocol: 'tcp', host: '::1', port: 9090, boundPort: 9090, handle: handle('gone', closed) });
  const name = (h: unknown): string | undefined => (h as { name?: string } | undefined)?.name;
  assert.equal(name(s.take('tcp', '127.0.0.1', 8080)), 'a');
  assert.equal(s.take('tcp', '127.0.0.1', 8080), undefined, 'taken once');
  assert.equal(name(s.take('tcp', undefined, 8080)), 'all', 'every address is its own socket');
  assert.equal(s.take('tcp', '0.0.0.0', 8080), undefined, 'another host spelling is another address');
  assert.equal(name(s.take('tcp', '127.0.0.1', 0)), 'z1');
  // A fixed port that the old master got from port 0 is the same address.
  assert.equal(name(s.take('tcp', '127.0.0.1', 40002)), 'z2');
  assert.equal(s.take('tcp', '127.0.0.1', 0), undefined);
  assert.equal(s.size, 1);
  assert.equal(s.taken, 4);
  s.closeRest();
  assert.deepEqual(closed, ['gone']);
  assert.equal(s.size, 0);
});

test("sockets the old master had from systemd are taken apart, in systemd's fd order, never by address", () => {
  const closed: string[] = [];
  const s = new InheritedSockets();
  const systemd = (fd: number, name?: string) => ({ protocol: 'tcp' as const, address: '::', port: 8080 + fd, family: 'IPv6' as const, name, fd });
  s.add({ protocol: 'tcp', host: undefined, port: 8085, boundPort: 8085, handle: handle('five', closed), systemd: systemd(5) });
  s.add({ protocol: 'tcp', host: '127.0.0.1', port: 9000, boundPort: 9000, handle: handle('bound', closed) });
  s.add({ protocol: 'tcp', host: undefined, port: 8083, boundPort: 8083, handle: handle('three', closed), systemd: systemd(3, 'web') });
  const activated = s.takeActivated();
  assert.deepEqual(activated.map((a) => [(a.handle as unknown as { name: string }).name, a.socket.fd, a.socket.name]), [['three', 3, 'web'], ['five', 5, undefined]]);
  assert.equal(s.take('tcp', undefined, 8083), undefined, 'taken already');
  assert.deepEqual(s.takeActivated(), []);
  assert.equal(s.size, 1);
  assert.equal(s.taken, 2);
  s.closeRest();
  assert.deepEqual(closed, ['bound']);
});
