// Each bad input gets its own code and a message naming the option and the value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../../../src/config/validate.js';
import { CODES, ConfigError, EXIT } from '../../../src/errors.js';
import type { UserConfig } from '../../../src/config/types.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, ROOT } from '../../helpers/cluster.js';

const script = fixture('http-app.js');

const bad: Array<{ name: string; config: unknown; code: string; message: RegExp }> = [
  { name: 'not an object', config: 42, code: CODES.INVALID_OPTION, message: /^config: expected an object, got 42/ },
  { name: 'unknown option', config: { script, listen: 8080, wokers: 2 }, code: CODES.UNKNOWN_OPTION, message: /^wokers: unknown option/ },
  { name: 'missing script', config: { listen: 8080 }, code: CODES.INVALID_OPTION, message: /^script: expected the path of the worker script, got undefined/ },
  { name: 'script not found', config: { script: 'nope.js', listen: 8080 }, code: CODES.SCRIPT_NOT_FOUND, message: /^script: no such file: .*nope\.js/ },
  { name: 'unknown algorithm', config: { script, listen: 8080, algorithm: 'fastest' }, code: CODES.UNKNOWN_ALGORITHM, message: /^algorithm: unknown algorithm "fastest"; expected one of round-robin, / },
  { name: 'bad port', config: { script, listen: '70000' }, code: CODES.INVALID_PORT, message: /^listen: expected a port number 0-65535, got "70000"/ },
  { name: 'bad port in list', config: { script, listen: ['8080', 'x:y'] }, code: CODES.INVALID_PORT, message: /^listen\[1\]: expected a port number 0-65535, got "x:y"/ },
  { name: 'bad host', config: { script, listen: 'not_a host:80' }, code: CODES.INVALID_LISTEN, message: /^listen: expected a valid IP address or host name/ },
  { name: 'ipv6 without brackets', config: { script, listen: '::1:80' }, code: CODES.INVALID_LISTEN, message: /IPv6 addresses in brackets/ },
  { name: 'udp duplicate', config: { script, listen: ['udp:5353', 'udp::5353'] }, code: CODES.DUPLICATE_LISTENER, message: /^listen\[1\]: "udp::5353" is already a listener \(listen\[0\]\)/ },
  { name: 'udpTimeout zero', config: { script, listen: 'udp:53', udpTimeout: 0 }, code: CODES.INVALID_OPTION, message: /^udpTimeout: expected an integer 1-86400000, got 0/ },
  { name: 'udpTimeout string', config: { script, listen: 'udp:53', udpTimeout: '5s' }, code: CODES.INVALID_OPTION, message: /^udpTimeout: expected an integer 1-86400000, got "5s"/ },
  { name: 'listener udpTimeout', config: { script, listeners: [{ listen: 'udp:53', udpTimeout: -1 }] }, code: CODES.INVALID_OPTION, message: /^listeners\[0\]\.udpTimeout: expected an integer 1-86400000, got -1/ },
  { name: 'udpTimeout on tcp', config: { script, listeners: [{ listen: 8080, udpTimeout: 5000 }] }, code: CODES.INVALID_OPTION, message: /^listeners\[0\]\.udpTimeout: expected a udp listener for udpTimeout \(8080 is tcp\), got 5000/ },
  { name: 'content on udp', config: { script, listeners: [{ listen: 'udp:53', content: { protocol: 'http' } }] }, code: CODES.INVALID_OPTION, message: /^listeners\[0\]\.content: expected no content step on a udp listener/ },
  { name: 'udpMaxDatagram too big', config: { script, listen: 'udp:53', udpMaxDatagram: 65508 }, code: CODES.INVALID_OPTION, message: /^udpMaxDatagram: expected an integer 1-65507, got 65508/ },
  { name: 'stickySessions zero', config: { script, listen: '8080', stickySessions: 0 }, code: CODES.INVALID_OPTION, message: /^stickySessions: expected an integer 1-16777216, got 0/ },
  { name: 'stickyTimeout under a second', config: { script, listen: '8080', stickyTimeout: 999 }, code: CODES.INVALID_OPTION, message: /^stickyTimeout: expected an integer >= 1000, got 999/ },
  { name: 'udpMaxFlows zero', config: { script, listen: 'udp:53', udpMaxFlows: 0 }, code: CODES.INVALID_OPTION, message: /^udpMaxFlows: expected an integer 1-16777216, got 0/ },
  { name: 'udpWorkerQueue fraction', config: { script, listen: 'udp:53', udpWorkerQueue: 2.5 }, code: CODES.INVALID_OPTION, message: /^udpWorkerQueue: expected an integer 1-1048576, got 2\.5/ },
  { name: 'unknown listener key', config: { script, listeners: [{ listen: 'udp:53', timeout: 1 }] }, code: CODES.UNKNOWN_OPTION, message: /^listeners\[0\]\.timeout: unknown option; expected one of listen, group, content, mode, udpTimeout/ },
  { name: 'duplicate listener', config: { script, listen: ['127.0.0.1:8080', '127.0.0.1:8080'] }, code: CODES.DUPLICATE_LISTENER, message: /^listen\[1\]: "127\.0\.0\.1:8080" is already a listener \(listen\[0\]\)/ },
  { name: 'ownPorts not a list', config: { script, ownPorts: 9464 }, code: CODES.INVALID_OPTION, message: /^ownPorts: expected a list of ports, e\.g\. \[9464\], got 9464/ },
  { name: 'ownPorts port 0', config: { script, ownPorts: [0] }, code: CODES.INVALID_PORT, message: /^ownPorts\[0\]: expected a port number 1-65535, got 0/ },
  { name: 'ownPorts text', config: { script, ownPorts: ['9464'] }, code: CODES.INVALID_PORT, message: /^ownPorts\[0\]: expected a port number 1-65535, got "9464"/ },
  { name: 'ownPorts twice', config: { script, ownPorts: [9229, 9229] }, code: CODES.DUPLICATE_LISTENER, message: /^ownPorts\[1\]: 9229 is given twice \(ownPorts\[0\]\)/ },
  { name: 'ownPorts a listener', config: { script, listen: ['127.0.0.1:8080'], ownPorts: [8080] }, code: CODES.OWN_PORT_LISTENED, message: /^ownPorts\[0\]: 8080 is also listener 0 \(127\.0\.0\.1:8080\); a port is either served by the master or bound by each worker/ },
  { name: 'weights count', config: { script, listen: 8080, workers: 3, weights: [5, 1] }, code: CODES.WEIGHTS_MISMATCH, message: /^weights: 2 weights given for 3 workers/ },
  { name: 'negative weight', config: { script, listen: 8080, workers: 2, weights: [1, -1] }, code: CODES.INVALID_OPTION, message: /^weights\[1\]: expected an integer weight 0-65535, got -1/ },
  { name: 'all weights zero', config: { script, listen: 8080, workers: 2, weights: [0, 0] }, code: CODES.INVALID_OPTION, message: /^weights: expected at least one weight above 0/ },
  { name: 'zero workers', config: { script, listen: 8080, workers: 0 }, code: CODES.INVALID_OPTION, message: /^workers: expected an integer 1-1024, got 0/ },
  { name: 'negative maxPrereading', config: { script, listen: 8080, maxPrereading: -1 }, code: CODES.INVALID_OPTION, message: /^maxPrereading: expected an integer >= 0, got -1/ },
  { name: 'maxPrereading as text', config: { script, listen: 8080, maxPrereading: '500' }, code: CODES.INVALID_OPTION, message: /^maxPrereading: expected an integer >= 0, got "500"/ },
  { name: 'fractional timeout', config: { script, listen: 8080, queueTimeout: 1.5 }, code: CODES.INVALID_OPTION, message: /^queueTimeout: expected an integer >= 1, got 1\.5/ },
  { name: 'unknown group', config: { script, groups: { web: {} }, listeners: [{ listen: 8080, group: 'api' }] }, code: CODES.UNKNOWN_GROUP, message: /^listeners\[0\]\.group: unknown group "api"; groups are web/ },
  { name: 'bad group key', config: { script, groups: { web: { wrkers: 1 } }, listen: 8080 }, code: CODES.UNKNOWN_OPTION, message: /^groups\.web\.wrkers: unknown option/ },
  { name: 'bad maxMemory', config: { script, listen: 8080, maxMemory: '1 gig' }, code: CODES.INVALID_OPTION, message: /^maxMemory: expected a size such as 512M or 1G .*, got "1 gig"/ },
  { name: 'group maxMemory without unit', config: { script, listen: 8080, groups: { api: { maxMemory: 512 } } }, code: CODES.INVALID_OPTION, message: /^groups\.api\.maxMemory: expected at least 1M .*did you mean "512M"/ },
  { name: 'negative maxConnectionsServed', config: { script, listen: 8080, maxConnectionsServed: -1 }, code: CODES.INVALID_OPTION, message: /^maxConnectionsServed: expected an integer >= 0, got -1/ },
  { name: 'negative maxRequests', config: { script, listen: 8080, maxRequests: -1 }, code: CODES.INVALID_OPTION, message: /^maxRequests: expected an integer >= 0, got -1/ },
  { name: 'fractional maxRequests', config: { script, listen: 8080, maxRequests: 99.5 }, code: CODES.INVALID_OPTION, message: /^maxRequests: expected an integer >= 0, got 99\.5/ },
  { name: 'maxRequests as text', config: { script, listen: 8080, maxRequests: '1000' }, code: CODES.INVALID_OPTION, message: /^maxRequests: expected an integer >= 0, got "1000"/ },
  { name: 'negative maxRequestsJitter in a group', config: { script, listen: 8080, maxRequests: 100, groups: { api: { maxRequestsJitter: -5 } } }, code: CODES.INVALID_OPTION, message: /^groups\.api\.maxRequestsJitter: expected an integer >= 0, got -5/ },
  { name: 'fractional maxLifetime', config: { script, listen: 8080, maxLifetime: 1.5 }, code: CODES.INVALID_OPTION, message: /^maxLifetime: expected an integer >= 0, got 1\.5/ },
  { name: 'maxLifetime as a duration', config: { script, listen: 8080, maxLifetime: '1h' }, code: CODES.INVALID_OPTION, message: /^maxLifetime: expected an integer >= 0, got "1h"/ },
  { name: 'negative maxLifetimeJitter', config: { script, listen: 8080, maxLifetime: 60000, maxLifetimeJitter: -1 }, code: CODES.INVALID_OPTION, message: /^maxLifetimeJitter: expected an integer >= 0, got -1/ },
  { name: 'maxRequestsJitter without maxRequests', config: { script, listen: 8080, maxRequestsJitter: 50 }, code: CODES.INVALID_OPTION, message: /^maxRequestsJitter: 50 has no effect: no group sets maxRequests \(--max-requests\), the limit it is added to; set maxRequests too, or leave maxRequestsJitter out$/ },
  { name: 'maxLifetimeJitter without maxLifetime', config: { script, listen: 8080, maxLifetimeJitter: 30000 }, code: CODES.INVALID_OPTION, message: /^maxLifetimeJitter: 30000 has no effect: no group sets maxLifetime \(--max-lifetime\)/ },
  { name: 'a group maxLifetimeJitter where no group has maxLifetime', config: { script, listen: 8080, groups: { web: {}, api: { maxLifetimeJitter: 1000 } } }, code: CODES.INVALID_OPTION, message: /^groups\.api\.maxLifetimeJitter: 1000 has no effect: no group sets maxLifetime/ },
  { name: 'bad logFormat', config: { script, listen: 8080, logFormat: 'xml' }, code: CODES.INVALID_OPTION, message: /^logFormat: expected "text" or "json", got "xml"/ },
  { name: 'logPrefix not a boolean', config: { script, listen: 8080, logPrefix: 'yes' }, code: CODES.INVALID_OPTION, message: /^logPrefix: expected true or false, got "yes"/ },
  { name: 'logMaxLine too small', config: { script, listen: 8080, logMaxLine: 10 }, code: CODES.INVALID_OPTION, message: /^logMaxLine: expected an integer 256-1048576, got 10/ },
  { name: 'env not strings', config: { script, listen: 8080, env: { A: 1 } }, code: CODES.INVALID_OPTION, message: /^env\.A: expected a string, got 1/ },
];

for (const c of bad) {
  test(`rejects ${c.name}`, () => {
    assert.throws(() => validateConfig(c.config as UserConfig), (err: unknown) => {
      assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`);
      assert.equal(err.code, c.code);
      assert.equal(err.exitCode, EXIT.config);
      assert.match(err.message, c.message);
      return true;
    });
  });
}

test('defaults fill a minimal config, and the result is deeply frozen', () => {
  const config = validateConfig({ script, listen: ['8080', '127.0.0.1:9090', '[::1]:9091', 'tcp:localhost:9092'], workers: 3 });
  assert.deepEqual(config.listeners.map((l) => [l.host, l.port, l.group]), [
    [undefined, 8080, 'default'], ['127.0.0.1', 9090, 'default'], ['::1', 9091, 'default'], ['localhost', 9092, 'default'],
  ]);
  assert.equal(config.groups[0].script, script);
  assert.deepEqual(config.groups[0].weights, [1, 1, 1]);
  assert.equal(config.groups[0].algorithm, 'round-robin');
  assert.equal(config.queueSize, 1024);
  assert.equal(config.maxPrereading, 0, 'half the descriptor budget, decided at start');
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.groups[0]) && Object.isFrozen(config.groups[0].weights));
  assert.throws(() => { (config.groups[0].weights as number[])[0] = 9; }, TypeError);
});

test('maxMemory and maxConnectionsServed: off by default, per group, inherited from the top level', () => {
  const config = validateConfig({
    script, listen: 8080, maxMemory: '1G', maxConnectionsServed: 1000,
    groups: { api: { maxMemory: '256M' }, web: { maxConnectionsServed: 0 } },
  });
  assert.deepEqual(config.groups.map((g) => [g.name, g.maxMemory, g.maxConnectionsServed]), [['api', 256 * 1024 ** 2, 1000], ['web', 1024 ** 3, 0]]);
  const plain = validateConfig({ script, listen: 8080 });
  assert.deepEqual([plain.groups[0].maxMemory, plain.groups[0].maxConnectionsServed], [0, 0]);
});

test('maxRequests, maxLifetime and their jitters: off by default, per group, inherited from the top level', () => {
  const config = validateConfig({
    script, listen: 8080, maxRequests: 10000, maxRequestsJitter: 500, maxLifetime: 3600000, maxLifetimeJitter: 600000,
    groups: { api: { maxRequestsJitter: 0 }, web: { maxLifetime: 0 }, admin: { maxRequests: 0 } },
  });
  assert.deepEqual(config.groups.map((g) => [g.name, g.maxRequests, g.maxRequestsJitter, g.maxLifetime, g.maxLifetimeJitter]), [
    ['api', 10000, 0, 3600000, 600000], ['web', 10000, 500, 0, 600000], ['admin', 0, 500, 3600000, 600000],
  ]);
  const plain = validateConfig({ script, listen: 8080 });
  assert.deepEqual([plain.groups[0].maxRequests, plain.groups[0].maxRequestsJitter, plain.groups[0].maxLifetime, plain.groups[0].maxLifetimeJitter], [0, 0, 0, 0]);
  // A jitter of 0 without its limit says nothing, and one where only another group has the limit is that group's.
  assert.equal(validateConfig({ script, listen: 8080, maxRequestsJitter: 0, maxLifetimeJitter: 0 }).groups[0].maxRequests, 0);
  const mixed = validateConfig({ script, listen: 8080, maxLifetimeJitter: 1000, groups: { web: { maxLifetime: 60000 }, api: {} } });
  assert.deepEqual(mixed.groups.map((g) => [g.maxLifetime, g.maxLifetimeJitter]), [[60000, 1000], [0, 1000]]);
});

test('named groups inherit top-level fields and listeners name their group', () => {
  const config = validateConfig({
    script, workers: 2, algorithm: 'least-connections',
    groups: { api: { workers: 3 }, static: { algorithm: 'first' } },
    listeners: [{ listen: 8080, group: 'api' }, { listen: 8081, group: 'static' }],
  });
  assert.deepEqual(config.groups.map((g) => [g.name, g.workers, g.algorithm]), [['api', 3, 'least-connections'], ['static', 2, 'first']]);
  assert.deepEqual(config.listeners.map((l) => [l.port, l.group]), [[8080, 'api'], [8081, 'static']]);
});

test('udp listeners: defaults, a per-listener udpTimeout, and TCP and UDP on one port are not duplicates', () => {
  const config = validateConfig({
    script, udpTimeout: 60000,
    listeners: [{ listen: '127.0.0.1:5353' }, { listen: 'udp:127.0.0.1:5353' }, { listen: 'UDP:5354', udpTimeout: 1500 }, { listen: 'udp:[::1]:5355' }],
  });
  assert.deepEqual(config.listeners.map((l) => [l.protocol, l.host, l.port, l.udpTimeout]), [
    ['tcp', '127.0.0.1', 5353, 0], ['udp', '127.0.0.1', 5353, 60000], ['udp', undefined, 5354, 1500], ['udp', '::1', 5355, 60000],
  ]);
  assert.deepEqual([config.udpTimeout, config.udpMaxFlows, config.udpMaxDatagram, config.udpWorkerQueue], [60000, 65536, 65507, 256]);
  assert.equal(validateConfig({ script, listen: 'udp:53' }).listeners[0].udpTimeout, 300000);
});

test('port 0 may repeat (each bind gets its own port)', () => {
  assert.equal(validateConfig({ script, listen: ['127.0.0.1:0', '127.0.0.1:0'] }).listeners.length, 2);
});

test('"[::]" beside an IPv4 address on the same port binds IPv6-only; alone or on another port it stays dual-stack', () => {
  const both = validateConfig({ script, listen: ['0.0.0.0:8080', '[::]:8080', '[::]:8081', 'udp:127.0.0.1:53', 'udp:[::]:53', '[::]:53'] });
  assert.deepEqual(both.listeners.map((l) => [l.protocol, l.host, l.port, l.v6only]), [
    ['tcp', '0.0.0.0', 8080, false], ['tcp', '::', 8080, true], ['tcp', '::', 8081, false],
    ['udp', '127.0.0.1', 53, false], ['udp', '::', 53, true], ['tcp', '::', 53, false],
  ]);
});

test('no listener configured is valid: the workers\' listen() calls say what is served', () => {
  const config = validateConfig({ script, ownPorts: [9229] });
  assert.deepEqual(config.listeners, []);
  assert.deepEqual(config.ownPorts, [9229]);
  assert.deepEqual(validateConfig({ script, listen: 'udp:9229', ownPorts: [9229] }).ownPorts, [9229], 'a UDP listener does not take the TCP port');
});

test("docs/balancing.md's groups config is valid, and its [::]:8080 beside 0.0.0.0:8080 binds IPv6-only", () => {
  const page = readFileSync(join(ROOT, 'docs/balancing.md'), 'utf8');
  const section = page.slice(page.indexOf('<!-- example: groups file=portplex.json -->'));
  const json = /```json\n([\s\S]*?)```/.exec(section)![1]!;
  const dir = mkdtempSync(join(tmpdir(), 'portplex-readme-'));
  try {
    for (const f of ['app.js', 'admin.js']) writeFileSync(join(dir, f), '');
    const config = validateConfig(JSON.parse(json) as UserConfig, dir);
    assert.deepEqual(config.listeners.map((l) => [l.host, l.port, l.group, l.v6only]), [
      ['0.0.0.0', 8080, 'web', false], ['::', 8080, 'web', true], ['127.0.0.1', 9000, 'admin', false],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sticky session table: 100000 sessions, 1 hour unused, unless configured', () => {
  const d = validateConfig({ script, listen: '8080' });
  assert.deepEqual([d.stickySessions, d.stickyTimeout], [100000, 3600000]);
  const c = validateConfig({ script, listen: '8080', stickySessions: 500, stickyTimeout: 60000 });
  assert.deepEqual([c.stickySessions, c.stickyTimeout], [500, 60000]);
});

// Socket activation: the sockets systemd passed, as validateConfig's third argument.
const passed = (fd: number, protocol: 'tcp' | 'udp', address: string, port: number, name?: string) =>
  ({ fd, protocol, address, port, family: address.includes(':') ? 'IPv6' : 'IPv4', name }) as const;

test('activated sockets: listeners take theirs by address or by systemd:NAME (one listener per socket), the rest become listeners of the first group', () => {
  const sockets = [passed(3, 'tcp', '::', 8080, 'web'), passed(4, 'udp', '0.0.0.0', 5353, 'dns'), passed(5, 'tcp', '127.0.0.1', 9000, 'admin'), passed(6, 'tcp', '0.0.0.0', 8080, 'web'), passed(7, 'tcp', '::', 443, 'tls')];
  const c = validateConfig({
    script, groups: { web: {}, api: {} }, mode: 'direct',
    listeners: [{ listen: 'systemd:dns', group: 'api', udpTimeout: 1000 }, { listen: '127.0.0.1:9000', group: 'api' }, { listen: 8081 }, { listen: 'systemd:web', group: 'api' }],
  }, undefined, sockets);
  assert.deepEqual(c.listeners.map((l) => [l.index, l.protocol, l.host, l.port, l.group, l.mode, l.activated, l.udpTimeout]), [
    [0, 'udp', undefined, 5353, 'api', 'dispatch', 1, 1000],
    [1, 'tcp', '127.0.0.1', 9000, 'api', 'direct', 2, 0],
    [2, 'tcp', undefined, 8081, 'web', 'direct', undefined, 0],
    [3, 'tcp', undefined, 8080, 'api', 'direct', 0, 0],
    [4, 'tcp', undefined, 8080, 'api', 'direct', 3, 0],
    // Not configured: the first group, the top-level mode.
    [5, 'tcp', undefined, 443, 'web', 'direct', 4, 0],
  ]);
  assert.equal(c.listeners.some((l) => l.v6only), false);
  // With nothing configured, every socket is a listener, in fd order.
  const bare = validateConfig({ script }, undefined, sockets);
  assert.deepEqual(bare.listeners.map((l) => [l.protocol, l.host ?? '*', l.port, l.group, l.activated]), [
    ['tcp', '*', 8080, 'default', 0], ['udp', '*', 5353, 'default', 1], ['tcp', '127.0.0.1', 9000, 'default', 2], ['tcp', '*', 8080, 'default', 3], ['tcp', '*', 443, 'default', 4],
  ]);
  // Without sockets, a config without systemd:NAME is what it always was (no `activated` key).
  assert.deepEqual(validateConfig({ script, listen: 8080 }).listeners[0], validateConfig({ script, listen: 8080 }, undefined, []).listeners[0]);
  assert.equal('activated' in validateConfig({ script, listen: 8080 }).listeners[0]!, false);
});

test('activated sockets: a bound "::" beside an activated IPv4 socket on its port binds IPv6-only; an activated port is an ownPorts conflict', () => {
  const c = validateConfig({ script, listen: ['[::]:8080'] }, undefined, [passed(3, 'tcp', '0.0.0.0', 8080)]);
  assert.deepEqual(c.listeners.map((l) => [l.host, l.activated, l.v6only]), [['::', undefined, true], [undefined, 0, false]]);
  assert.throws(() => validateConfig({ script, ownPorts: [8080] }, undefined, [passed(3, 'tcp', '::', 8080)]), /^ConfigError: ownPorts\[0\]: 8080 is also listener 0 \(\*:8080\)/);
});

test('activated sockets: bad systemd:NAME listeners fail naming the option, the name and what systemd passed', () => {
  const cases: Array<{ config: UserConfig; sockets: ReturnType<typeof passed>[]; code: string; message: RegExp }> = [
    { config: { script, listen: 'systemd:api' }, sockets: [passed(3, 'tcp', '::', 80, 'web'), passed(4, 'tcp', '::', 81)], code: CODES.SYSTEMD_NAME, message: /^listen: systemd passed no socket named "api"; the names it passed are "web" \(fd 3\)$/ },
    { config: { script, listen: ['8080', 'systemd:web'] }, sockets: [passed(3, 'tcp', '::', 80), passed(4, 'tcp', '::', 81)], code: CODES.SYSTEMD_NAME, message: /^listen\[1\]: systemd passed no socket named "web"; it passed 2 socket\(s\) without names \(no FileDescriptorName=, no LISTEN_FDNAMES\)$/ },
    { config: { script, listeners: [{ listen: 'systemd:web' }] }, sockets: [], code: CODES.SYSTEMD_NAME, message: /^listeners\[0\]: systemd passed no socket named "web"; it passed no socket to this process \(no LISTEN_FDS for its pid\)$/ },
    { config: { script, listen: ['systemd:web', 'SYSTEMD:web'] }, sockets: [passed(3, 'tcp', '::', 80, 'web')], code: CODES.DUPLICATE_LISTENER, message: /^listen\[1\]: "SYSTEMD:web" is already a listener \(listen\[0\]\)$/ },
    { config: { script, listen: 'systemd:a:b' }, sockets: [], code: CODES.INVALID_OPTION, message: /^listen: expected systemd:NAME, NAME a FileDescriptorName=/ },
    { config: { script, listeners: [{ listen: 'systemd:dns', content: { protocol: 'http' } }] }, sockets: [passed(3, 'udp', '::', 53, 'dns')], code: CODES.INVALID_OPTION, message: /^listeners\[0\]\.content: expected no content step on a udp listener/ },
    { config: { script, listeners: [{ listen: 'systemd:web', udpTimeout: 5 }] }, sockets: [passed(3, 'tcp', '::', 80, 'web')], code: CODES.INVALID_OPTION, message: /^listeners\[0\]\.udpTimeout: expected a udp listener for udpTimeout \("systemd:web" is tcp\), got 5/ },
  ];
  for (const c of cases) {
    assert.throws(() => validateConfig(c.config, undefined, c.sockets), (err: unknown) => {
      assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`);
      assert.equal(err.code, c.code);
      assert.equal(err.exitCode, EXIT.config);
      assert.match(err.message, c.message);
      return true;
    }, JSON.stringify(c.config.listen ?? c.config.listeners));
  }
});
