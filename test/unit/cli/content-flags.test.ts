// The content flags become the same config a file would give, and bad ones say what they expect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { groupFlag, routeFlag, stickyFlag } from '../../../src/cli/content-flags.js';
import { mergeFlags } from '../../../src/cli/options.js';

test('route flags parse each condition kind, in order', () => {
  let rules = routeFlag('api=host:api.example.com', undefined);
  rules = routeFlag('api=path:/api/', rules);
  rules = routeFlag('api=path~:^/v[0-9]+/', rules);
  rules = routeFlag('ws=header:upgrade=websocket', rules);
  rules = routeFlag('api=sni:*.api.test', rules);
  rules = routeFlag('h2=alpn:h2', rules);
  assert.deepEqual(rules, [
    { group: 'api', host: 'api.example.com' }, { group: 'api', path: '/api/' }, { group: 'api', pathRegex: '^/v[0-9]+/' },
    { group: 'ws', header: { upgrade: 'websocket' } }, { group: 'api', sni: '*.api.test' }, { group: 'h2', alpn: 'h2' },
  ]);
  assert.throws(() => routeFlag('api=cookie:x', undefined), (e: unknown) => e instanceof InvalidArgumentError && /expected GROUP=CONDITION/.test(e.message));
  assert.throws(() => routeFlag('api=header:x', undefined), /header routes need NAME=VALUE, got "x"/);
  assert.throws(() => stickyFlag('sid'), /expected cookie:NAME, header:NAME or query:NAME/);
  assert.throws(() => groupFlag('api', undefined), /expected NAME=SCRIPT/);
});

test('--group, --route and --sticky build groups and content on every listener', () => {
  const out = mergeFlags({}, {
    workers: 2, listen: ['8080', '8081'], group: groupFlag('api=api.js', undefined), route: routeFlag('api=path:/api/', undefined), sticky: stickyFlag('cookie:sid'),
  }, '/abs/web.js', []);
  assert.deepEqual(out.groups, { default: {}, api: { workers: 2, script: 'api.js' } });
  assert.equal(out.script, '/abs/web.js');
  assert.equal(out.listen, undefined);
  assert.deepEqual(out.listeners, [
    { listen: '8080', content: { protocol: 'http', sticky: { cookie: 'sid' }, rules: [{ group: 'api', path: '/api/' }] } },
    { listen: '8081', content: { protocol: 'http', sticky: { cookie: 'sid' }, rules: [{ group: 'api', path: '/api/' }] } },
  ]);
});

test('SNI routes imply TLS preread; the default listen address is used when none is given', () => {
  const out = mergeFlags({ groups: { web: { script: 'w.js' }, api: { script: 'a.js' } } }, { route: routeFlag('api=sni:api.example', undefined), proxyProtocol: 'v2' }, undefined, [], '9000');
  assert.deepEqual(out.listeners, [{ listen: '9000', content: { protocol: 'tls', proxy: 'v2', rules: [{ group: 'api', sni: 'api.example' }] } }]);
});
