// Which listener takes which socket systemd passed: exact tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { everyAddress, matchActivated, systemdName, type ActivatedSocket, type ListenTarget } from '../../../src/config/activated.js';
import { CODES, ConfigError } from '../../../src/errors.js';

function sock(fd: number, protocol: 'tcp' | 'udp', address: string, port: number, name?: string): ActivatedSocket {
  return { fd, protocol, address, port, family: address.includes(':') ? 'IPv6' : 'IPv4', name };
}
const tcp = (host: string | undefined, port: number): ListenTarget => ({ protocol: 'tcp', host, port });
const udp = (host: string | undefined, port: number): ListenTarget => ({ protocol: 'udp', host, port });
const named = (name: string): ListenTarget => ({ systemd: name });

test('activated sockets go to listeners by name, then by exact address, then to host-less listeners if bound to every address; the rest stay in fd order', () => {
  const cases: Array<{ name: string; targets: ListenTarget[]; sockets: ActivatedSocket[]; taken: number[][]; rest: number[] }> = [
    { name: 'nothing passed', targets: [tcp(undefined, 8080)], sockets: [], taken: [[]], rest: [] },
    { name: 'no listener: all are the rest', targets: [], sockets: [sock(3, 'tcp', '::', 80), sock(4, 'udp', '0.0.0.0', 53)], taken: [], rest: [0, 1] },
    { name: 'host-less takes every-address sockets of its port and protocol', targets: [tcp(undefined, 8080)], sockets: [sock(3, 'tcp', '::', 8080)], taken: [[0]], rest: [] },
    { name: 'host-less takes 0.0.0.0 and :: both', targets: [tcp(undefined, 80)], sockets: [sock(3, 'tcp', '0.0.0.0', 80), sock(4, 'tcp', '::', 80)], taken: [[0, 1]], rest: [] },
    { name: 'host-less does not take a specific address', targets: [tcp(undefined, 8080)], sockets: [sock(3, 'tcp', '127.0.0.1', 8080)], taken: [[]], rest: [0] },
    { name: 'another port', targets: [tcp(undefined, 8081)], sockets: [sock(3, 'tcp', '::', 8080)], taken: [[]], rest: [0] },
    { name: 'another protocol', targets: [udp(undefined, 53)], sockets: [sock(3, 'tcp', '::', 53)], taken: [[]], rest: [0] },
    { name: 'tcp and udp on one port', targets: [tcp(undefined, 53), udp(undefined, 53)], sockets: [sock(3, 'udp', '::', 53), sock(4, 'tcp', '::', 53)], taken: [[1], [0]], rest: [] },
    { name: 'exact host', targets: [tcp('127.0.0.1', 8080)], sockets: [sock(3, 'tcp', '127.0.0.1', 8080)], taken: [[0]], rest: [] },
    { name: 'exact host is not another host', targets: [tcp('127.0.0.2', 8080)], sockets: [sock(3, 'tcp', '127.0.0.1', 8080)], taken: [[]], rest: [0] },
    { name: 'a specific host does not take every address', targets: [tcp('127.0.0.1', 8080)], sockets: [sock(3, 'tcp', '0.0.0.0', 8080)], taken: [[]], rest: [0] },
    { name: 'IPv6 in another spelling', targets: [tcp('0:0:0:0:0:0:0:1', 8080)], sockets: [sock(3, 'tcp', '::1', 8080)], taken: [[0]], rest: [] },
    { name: 'a written 0.0.0.0 is exact', targets: [tcp('0.0.0.0', 80)], sockets: [sock(3, 'tcp', '0.0.0.0', 80), sock(4, 'tcp', '::', 80)], taken: [[0]], rest: [1] },
    { name: 'an exact host wins over host-less, whatever the order', targets: [tcp(undefined, 80), tcp('0.0.0.0', 80)], sockets: [sock(3, 'tcp', '0.0.0.0', 80), sock(4, 'tcp', '::', 80)], taken: [[1], [0]], rest: [] },
    { name: 'a host name never matches', targets: [tcp('localhost', 8080)], sockets: [sock(3, 'tcp', '127.0.0.1', 8080)], taken: [[]], rest: [0] },
    { name: 'port 0 never matches', targets: [tcp(undefined, 0), tcp('127.0.0.1', 0)], sockets: [sock(3, 'tcp', '::', 0), sock(4, 'tcp', '127.0.0.1', 0)], taken: [[], []], rest: [0, 1] },
    { name: 'by name, every socket of the name, any protocol', targets: [named('web')], sockets: [sock(3, 'tcp', '0.0.0.0', 80, 'web'), sock(4, 'udp', '::', 53, 'dns'), sock(5, 'tcp', '::', 80, 'web')], taken: [[0, 2]], rest: [1] },
    { name: 'a name wins over an address', targets: [tcp(undefined, 80), named('web')], sockets: [sock(3, 'tcp', '::', 80, 'web'), sock(4, 'tcp', '::', 81, 'web')], taken: [[], [0, 1]], rest: [] },
    { name: 'an unknown name takes nothing', targets: [named('api')], sockets: [sock(3, 'tcp', '::', 80, 'web')], taken: [[]], rest: [0] },
    { name: 'names are case-sensitive', targets: [named('Web')], sockets: [sock(3, 'tcp', '::', 80, 'web')], taken: [[]], rest: [0] },
    { name: 'a mix', targets: [named('admin'), tcp('127.0.0.1', 9000), udp(undefined, 53), tcp(undefined, 8080)], sockets: [sock(3, 'tcp', '::', 8080, 'web'), sock(4, 'tcp', '127.0.0.1', 9000, 'web'), sock(5, 'tcp', '127.0.0.1', 9100, 'admin'), sock(6, 'udp', '::', 5353, 'dns'), sock(7, 'tcp', '::', 443, 'tls')], taken: [[2], [1], [], [0]], rest: [3, 4] },
  ];
  for (const c of cases) {
    assert.deepEqual(matchActivated(c.targets, c.sockets), { taken: c.taken, rest: c.rest }, c.name);
  }
});

test('every address: 0.0.0.0 and :: in any spelling', () => {
  const cases: Array<[string, boolean]> = [['0.0.0.0', true], ['::', true], ['0:0:0:0:0:0:0:0', true], ['::1', false], ['127.0.0.1', false], ['', false]];
  for (const [address, every] of cases) assert.equal(everyAddress(address), every, address);
});

test('systemd:NAME: the name, checked as systemd checks FileDescriptorName=; anything else is no name', () => {
  const good: Array<[unknown, string | undefined]> = [
    ['systemd:web', 'web'], ['SYSTEMD:web', 'web'], [' systemd:web ', 'web'], ['systemd:my web.socket', 'my web.socket'], [`systemd:${'a'.repeat(255)}`, 'a'.repeat(255)],
    [8080, undefined], ['8080', undefined], ['tcp:8080', undefined], ['udp:systemd:53', undefined], [undefined, undefined],
  ];
  for (const [value, name] of good) assert.equal(systemdName(value, 'listen'), name, String(value));
  const bad = ['systemd:', 'systemd:a:b', 'systemd:tab\there', `systemd:${'a'.repeat(256)}`, 'systemd:é'];
  for (const value of bad) {
    assert.throws(() => systemdName(value, 'listeners[2].listen'), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.code, CODES.INVALID_OPTION);
      assert.equal(err.option, 'listeners[2].listen');
      assert.match(err.message, /^listeners\[2\]\.listen: expected systemd:NAME, NAME a FileDescriptorName= of the \.socket unit \(1-255 printable characters, no ":"\), got /);
      return true;
    }, value);
  }
});
