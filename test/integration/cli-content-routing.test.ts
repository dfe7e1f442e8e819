// The CLI's content flags: --group adds a group with its own script, --route sends matching
// requests to it, --sticky keeps a session on one worker; bad flags exit 2 naming the flag.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { cliPort, fixture, portplex, runCli } from '../helpers/cluster.js';

function ask(port: number, path: string, cookie?: string): Promise<{ worker: number; group: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { connection: 'close' };
    if (cookie) headers.cookie = cookie;
    http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

test('portplex --group api=... --route api=path:/api/ --sticky cookie:sid app.js', async () => {
  const cli = runCli([
    '-w', '2', '-l', '127.0.0.1:0',
    '--group', `api=${fixture('http-app.js')}`, '--route', 'api=path:/api/', '--sticky', 'cookie:sid', fixture('http-app.js'),
  ]);
  try {
    const port = await cliPort(cli.output);
    assert.match(cli.output(), /-> group default \(default; by content also api\), round-robin/);
    const web = await Promise.all([ask(port, '/'), ask(port, '/x'), ask(port, '/y'), ask(port, '/z')]);
    assert.deepEqual(new Set(web.map((r) => r.group)), new Set(['default']));
    assert.deepEqual(new Set(web.map((r) => r.worker)), new Set([1, 2]));
    const api = await Promise.all(Array.from({ length: 20 }, () => ask(port, '/api/items', 'sid=abc')));
    assert.deepEqual(new Set(api.map((r) => r.group)), new Set(['api']));
    assert.equal(new Set(api.map((r) => r.worker)).size, 1, 'one session, one worker');
    assert.ok(api[0].worker === 3 || api[0].worker === 4);
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
  }
});

test('a route to a group that does not exist, or a malformed route, exits 2 naming it', async () => {
  const unknown = await portplex('-l', '127.0.0.1:0', '--route', 'api=path:/api/', fixture('http-app.js'));
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--route: unknown group "api"; groups are default/);
  const malformed = await portplex('-l', '127.0.0.1:0', '--route', 'api=cookie:x', fixture('http-app.js'));
  assert.equal(malformed.code, 2);
  assert.match(malformed.stderr, /option '--route <group=condition>' argument 'api=cookie:x' is invalid\. expected GROUP=CONDITION/);
});
