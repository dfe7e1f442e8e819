// A listener's content step: every bad rule or sticky key names its option and value; good ones
// come out normalised, with the groups the listener serves in routing order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../../../src/config/validate.js';
import { CODES, ConfigError } from '../../../src/errors.js';
import type { ContentInput } from '../../../src/config/types.js';
import { fixture } from '../../helpers/cluster.js';

const script = fixture('http-app.js');
const withContent = (content: unknown) => ({ script, groups: { web: {}, api: {} }, listeners: [{ listen: 8080, group: 'web', content: content as ContentInput }] });

const bad: Array<{ name: string; content: unknown; code?: string; message: RegExp }> = [
  { name: 'rules not a list', content: { protocol: 'http', rules: {} }, message: /^listeners\[0\]\.content\.rules: expected a list of rules/ },
  { name: 'rule to unknown group', content: { protocol: 'http', rules: [{ group: 'nope', path: '/' }] }, code: CODES.UNKNOWN_GROUP, message: /^listeners\[0\]\.content\.rules\[0\]\.group: unknown group "nope"; groups are web, api/ },
  { name: 'rule without condition', content: { protocol: 'http', rules: [{ group: 'api' }] }, message: /^listeners\[0\]\.content\.rules\[0\]: expected at least one condition/ },
  { name: 'unknown rule key', content: { protocol: 'http', rules: [{ group: 'api', hots: 'a' }] }, code: CODES.UNKNOWN_OPTION, message: /^listeners\[0\]\.content\.rules\[0\]\.hots: unknown option/ },
  { name: 'sni on an http listener', content: { protocol: 'http', rules: [{ group: 'api', sni: 'a.example' }] }, message: /rules\[0\]\.sni: expected a condition of what the listener parses \(protocol "http"\); sni needs protocol "tls"/ },
  { name: 'host on a tls listener', content: { protocol: 'tls', rules: [{ group: 'api', host: 'a.example' }] }, message: /rules\[0\]\.host: .*host needs protocol "http"/ },
  { name: 'bad host', content: { protocol: 'http', rules: [{ group: 'api', host: 'a b' }] }, message: /rules\[0\]\.host: expected a host name .* got "a b"/ },
  { name: 'bad wildcard', content: { protocol: 'http', rules: [{ group: 'api', host: ['ok.example', 'a.*.example'] }] }, message: /rules\[0\]\.host\[1\]: expected a host name/ },
  { name: 'path without slash', content: { protocol: 'http', rules: [{ group: 'api', path: 'api' }] }, message: /rules\[0\]\.path: expected a path prefix starting with "\/"/ },
  { name: 'broken regex', content: { protocol: 'http', rules: [{ group: 'api', pathRegex: '^/(' }] }, message: /rules\[0\]\.pathRegex: expected a valid regular expression/ },
  { name: 'header not an object', content: { protocol: 'http', rules: [{ group: 'api', header: 'x-a' }] }, message: /rules\[0\]\.header: expected an object of header names/ },
  { name: 'header value not a string', content: { protocol: 'http', rules: [{ group: 'api', header: { 'x-a': 1 } }] }, message: /rules\[0\]\.header\.x-a: expected a string value, got 1/ },
  { name: 'empty alpn', content: { protocol: 'tls', rules: [{ group: 'api', alpn: [] }] }, message: /rules\[0\]\.alpn: expected an ALPN protocol name/ },
  { name: 'two sticky keys', content: { protocol: 'http', sticky: { cookie: 'a', query: 'b' } }, message: /content\.sticky: expected exactly one of cookie, header or query/ },
  { name: 'sticky on tls', content: { protocol: 'tls', sticky: { cookie: 'sid' } }, message: /content\.sticky\.cookie: expected a key of what the listener parses; sticky keys need protocol "http"/ },
  { name: 'bad cookie name', content: { protocol: 'http', sticky: { cookie: 'a b' } }, message: /content\.sticky\.cookie: expected a cookie name, got "a b"/ },
  { name: 'bad onInvalid', content: { protocol: 'http', onInvalid: 'drop' }, message: /content\.onInvalid: expected "default" or "close", got "drop"/ },
];

for (const b of bad) {
  test(`rejects ${b.name}`, () => {
    assert.throws(() => validateConfig(withContent(b.content)), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.code, b.code ?? CODES.INVALID_OPTION);
      assert.match(err.message, b.message);
      return true;
    });
  });
}

test('normalises rules and lists the groups a listener serves, default first', () => {
  const c = validateConfig(withContent({
    protocol: 'http',
    rules: [{ group: 'api', host: ['API.Example.com', '*.Api.test'], header: { 'X-Tenant': 'Blue' } }, { group: 'web', path: '/static/' }, { group: 'api', pathRegex: '^/v[0-9]+/' }],
    sticky: { header: 'X-Session' },
  }));
  const l = c.listeners[0];
  assert.deepEqual(l.groups, ['web', 'api']);
  assert.deepEqual(l.content!.rules[0].host, ['api.example.com', '*.api.test']);
  assert.deepEqual(l.content!.rules[0].header, [['x-tenant', 'Blue']]);
  assert.deepEqual(l.content!.sticky, { from: 'header', name: 'x-session' });
  assert.equal(l.content!.onInvalid, 'default');
  assert.ok(Object.isFrozen(l.content!.rules[0]));
});

test('a listener without rules serves only its group', () => {
  const c = validateConfig({ script, listen: 8080 });
  assert.deepEqual(c.listeners[0].groups, ['default']);
});

test('mode: dispatch by default, direct per listener or for all; direct refuses what it cannot honour', () => {
  const both = validateConfig({ script, mode: 'direct', listeners: [{ listen: 8080 }, { listen: 8081, mode: 'dispatch' }] });
  assert.deepEqual(both.listeners.map((l) => l.mode), ['direct', 'dispatch']);
  assert.equal(validateConfig({ script, listen: 8080 }).listeners[0].mode, 'dispatch');
  const reject = (config: unknown, message: RegExp) => assert.throws(() => validateConfig(config as never), (e: unknown) => e instanceof ConfigError && message.test(e.message));
  reject({ script, listen: 8080, mode: 'fast' }, /^mode: expected "dispatch" or "direct", got "fast"/);
  reject({ script, listeners: [{ listen: 8080, mode: 'x' }] }, /^listeners\[0\]\.mode: expected "dispatch" or "direct", got "x"/);
  reject({ ...withContent({ protocol: 'http', sticky: { cookie: 'sid' }, rules: [{ group: 'api', path: '/a' }] }), mode: 'direct' }, /^listeners\[0\]\.content\.sticky: expected no sticky key in direct mode/);
  reject({ ...withContent({ protocol: 'http' }), mode: 'direct' }, /^listeners\[0\]\.content: expected routing rules: in direct mode/);
});
