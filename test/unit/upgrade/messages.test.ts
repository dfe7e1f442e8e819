import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_ERROR, parseUpgradeMessage, TAG } from '../../../src/upgrade/messages.js';

test('upgrade messages: ours and well formed pass, anything else is undefined', () => {
  const cases: Array<[unknown, boolean]> = [
    [{ tag: TAG, t: 'socket', protocol: 'tcp', host: null, port: 0, boundPort: 4000 }, true],
    [{ tag: TAG, t: 'socket', protocol: 'tcp', host: '::1', port: 80, boundPort: 80 }, true],
    [{ tag: TAG, t: 'socket', protocol: 'udp', host: null, port: 80, boundPort: 80 }, false],
    [{ tag: TAG, t: 'socket', protocol: 'tcp', host: null, port: 70000, boundPort: 80 }, false],
    [{ tag: TAG, t: 'socket', protocol: 'tcp', host: 'x'.repeat(256), port: 1, boundPort: 1 }, false],
    [{ tag: TAG, t: 'socket', protocol: 'tcp', host: null, port: 80, boundPort: 80, systemd: { fd: 3, name: 'web', address: '::', family: 'IPv6' } }, true],
    [{ tag: TAG, t: 'socket', protocol: 'tcp', host: null, port: 80, boundPort: 80, systemd: { fd: 4, name: null, address: '0.0.0.0', family: 'IPv4' } }, true],
    [{ tag: TAG, t: 'socket', protocol: 'tcp', host: null, port: 80, boundPort: 80, systemd: { fd: 3, name: 'web', address: '::', family: 'unix' } }, false],
    [{ tag: TAG, t: 'socket', protocol: 'tcp', host: null, port: 80, boundPort: 80, systemd: { fd: -1, name: 'web', address: '::', family: 'IPv6' } }, false],
    [{ tag: TAG, t: 'socket', protocol: 'tcp', host: null, port: 80, boundPort: 80, systemd: { fd: 3, name: 'x'.repeat(256), address: '::', family: 'IPv6' } }, false],
    [{ tag: TAG, t: 'socket', protocol: 'tcp', host: null, port: 80, boundPort: 80, systemd: { fd: 3, name: 'web', address: 7, family: 'IPv6' } }, false],
    [{ tag: TAG, t: 'socket', protocol: 'tcp', host: null, port: 80, boundPort: 80, systemd: null }, false],
    [{ tag: TAG, t: 'sent', n: 2 }, true],
    [{ tag: TAG, t: 'sent', n: -1 }, false],
    [{ tag: TAG, t: 'ready', pid: 12 }, true],
    [{ tag: TAG, t: 'ready' }, false],
    [{ tag: TAG, t: 'failed', error: 'bad', code: 'X' }, true],
    [{ tag: TAG, t: 'failed', error: 3, code: 'X' }, false],
    [{ tag: TAG, t: 'released' }, true],
    [{ tag: TAG, t: 'other' }, false],
    [{ t: 'ready', pid: 1 }, false],
    [null, false],
    ['ready', false],
  ];
  for (const [m, ok] of cases) assert.equal(parseUpgradeMessage(m) !== undefined, ok, JSON.stringify(m)?.slice(0, 80));
  const long = parseUpgradeMessage({ tag: TAG, t: 'failed', error: 'e'.repeat(10000), code: 'C' });
  assert.equal(long?.t === 'failed' && long.error.length, MAX_ERROR, 'a long error is cut');
});
