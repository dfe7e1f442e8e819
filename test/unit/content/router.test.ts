// Rules in order, first match wins; every condition of a rule must hold; sticky keys as sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../../../src/config/validate.js';
import type { ContentInput } from '../../../src/config/types.js';
import { makeDecider, type Decision } from '../../../src/content/decide.js';
import { hostMatches, makeRouter, queryParam } from '../../../src/content/router.js';
import { fixture } from '../../helpers/cluster.js';

function setup(content: ContentInput) {
  const config = validateConfig({ script: fixture('http-app.js'), groups: { web: {}, api: {}, ws: {} }, listeners: [{ listen: 8080, group: 'web', content }] });
  const l = config.listeners[0];
  const router = makeRouter(l);
  const decide = makeDecider(l.content!);
  /** The group a request head routes to, and its sticky key. */
  const route = (head: string): [string, string | undefined] => {
    const d = decide(Buffer.from(head, 'latin1'))!;
    assert.equal(d.verdict, 'http', head);
    const rule = router.match(d);
    return [l.groups[rule < 0 ? 0 : router.groupOf[rule]], router.key(d)];
  };
  return { route, router, decide, groups: l.groups };
}

const req = (target: string, host = 'www.example.com', extra = '') => `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${extra}\r\n`;

test('host exact and wildcard, path prefix and regex, header: first match wins', () => {
  const { route } = setup({
    protocol: 'http',
    rules: [
      { group: 'ws', path: '/socket.io/' },
      { group: 'api', host: 'api.example.com' },
      { group: 'api', host: '*.api.test' },
      { group: 'api', pathRegex: '^/v[0-9]+/users\\?' },
      { group: 'ws', header: { upgrade: 'websocket', 'x-tenant': 'blue' } },
    ],
  });
  assert.deepEqual(route(req('/', 'api.example.com')), ['api', undefined]);
  assert.deepEqual(route(req('/', 'API.EXAMPLE.COM:8080')), ['api', undefined], 'Host is case-insensitive and its port ignored');
  assert.deepEqual(route(req('/', 'a.b.api.test')), ['api', undefined]);
  assert.deepEqual(route(req('/', 'api.test')), ['web', undefined], 'a wildcard needs a label in front');
  assert.deepEqual(route(req('/socket.io/?EIO=4', 'api.example.com')), ['ws', undefined], 'an earlier rule wins');
  assert.deepEqual(route(req('/v2/users?id=1')), ['api', undefined]);
  assert.deepEqual(route(req('/v2/users')), ['web', undefined], 'the regex sees the query too');
  assert.deepEqual(route(req('/chat', 'x', 'Upgrade: websocket\r\nX-Tenant: blue\r\n')), ['ws', undefined]);
  assert.deepEqual(route(req('/chat', 'x', 'Upgrade: websocket\r\nX-Tenant: red\r\n')), ['web', undefined], 'every header of a rule must match');
  assert.deepEqual(route(req('/socket.i0/')), ['web', undefined]);
});

test('sticky keys: cookie, header and query, as sent; absent or empty is no key', () => {
  const cookie = setup({ protocol: 'http', sticky: { cookie: 'sid' } }).route;
  assert.deepEqual(cookie(req('/', 'x', 'Cookie: a=1; sid=abc%20; b=2\r\n')), ['web', 'abc%20']);
  assert.deepEqual(cookie(req('/', 'x', 'Cookie: a=1\r\n')), ['web', undefined]);
  assert.deepEqual(cookie(req('/', 'x', 'Cookie: sid=\r\n')), ['web', undefined]);
  const header = setup({ protocol: 'http', sticky: { header: 'X-Session' } }).route;
  assert.deepEqual(header(req('/', 'x', 'x-session: s1\r\n')), ['web', 's1']);
  const query = setup({ protocol: 'http', sticky: { query: 'sid' }, rules: [{ group: 'ws', path: '/socket.io/' }] }).route;
  assert.deepEqual(query(req('/socket.io/?EIO=4&transport=polling&sid=Xy_z-1')), ['ws', 'Xy_z-1']);
  assert.deepEqual(query(req('/socket.io/?EIO=4&transport=polling')), ['ws', undefined]);
});

test('SNI exact and wildcard, ALPN offered', () => {
  const config = validateConfig({
    script: fixture('http-app.js'), groups: { web: {}, api: {}, h2: {} },
    listeners: [{ listen: 8443, group: 'web', content: { protocol: 'tls', rules: [{ group: 'api', sni: ['api.example.com', '*.api.test'] }, { group: 'h2', alpn: 'h2' }] } }],
  });
  const router = makeRouter(config.listeners[0]);
  const d = (sni: string | undefined, alpn: string[]): Decision => ({ verdict: 'tls', proxy: undefined, strip: 0, sni, alpn });
  const group = (x: Decision) => { const r = router.match(x); return config.listeners[0].groups[r < 0 ? 0 : router.groupOf[r]]; };
  assert.equal(group(d('api.example.com', [])), 'api');
  assert.equal(group(d('x.api.test', ['h2'])), 'api');
  assert.equal(group(d('www.example.com', ['http/1.1', 'h2'])), 'h2');
  assert.equal(group(d(undefined, ['http/1.1'])), 'web');
});

test('hostMatches and queryParam', () => {
  assert.ok(hostMatches('a.example', 'A.Example'));
  assert.ok(!hostMatches('a.example', 'b.a.example'));
  assert.ok(hostMatches('*.example', 'b.a.example'));
  assert.ok(!hostMatches('*.example', '.example'));
  assert.equal(queryParam('a=1&sid=2&sid=3', 'sid'), '2');
  assert.equal(queryParam('xsid=1&sid=', 'sid'), '');
  assert.equal(queryParam('sid', 'sid'), undefined);
  assert.equal(queryParam('', 'sid'), undefined);
});

test('a final decision turns "need more" into invalid with a reason', () => {
  const { decide } = setup({ protocol: 'http' });
  assert.equal(decide(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n')), undefined);
  assert.deepEqual(decide(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n'), 'incomplete'), { verdict: 'invalid', proxy: undefined, strip: 0, reason: 'incomplete' });
  assert.equal(decide(Buffer.from('\x16\x03\x01'))?.verdict, 'invalid');
});
