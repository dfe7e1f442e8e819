// Host- and path-based routing to two worker groups with a real HTTP client; a malformed head
// goes to the default group, counted.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, test } from 'node:test';
import type { Master } from '../../src/index.js';
import { fixture, startMaster } from '../helpers/cluster.js';

let master: Master;
let port: number;

before(async () => {
  ({ master, port } = await startMaster({
    script: fixture('http-app.js'), listen: undefined,
    groups: { web: { workers: 2 }, api: { workers: 2, algorithm: 'least-connections' } },
    listeners: [
      {
        listen: '127.0.0.1:0', group: 'web',
        content: {
          protocol: 'http',
          rules: [
            { group: 'api', host: ['api.example.com', '*.api.test'] },
            { group: 'api', path: '/api/' },
            { group: 'api', header: { 'x-tenant': 'blue' } },
          ],
        },
      },
    ],
  } as never));
});
after(async () => { await master.stop(); });

/** One request on its own connection; resolves with the JSON the worker answered. */
function ask(path: string, headers: Record<string, string> = {}): Promise<{ worker: number; group: string; path: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers: { connection: 'close', ...headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

test('host, wildcard host, path prefix and header rules reach the api group; the rest the web group', async () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['/', { host: 'api.example.com' }, 'api'],
    ['/', { host: 'eu.api.test:8080' }, 'api'],
    ['/api/users', { host: 'www.example.com' }, 'api'],
    ['/', { host: 'www.example.com', 'x-tenant': 'blue' }, 'api'],
    ['/', { host: 'www.example.com', 'x-tenant': 'red' }, 'web'],
    ['/apix', { host: 'www.example.com' }, 'web'],
    ['/', { host: 'api.test' }, 'web'],
  ];
  for (const [path, headers, group] of cases) {
    const r = await ask(path, headers);
    assert.equal(r.group, group, `${path} ${JSON.stringify(headers)}`);
    assert.equal(r.path, path.split('?')[0]);
  }
  // Each group balances with its own algorithm over its own workers: web is 1-2, api is 3-4.
  const web = new Set<number>(), api = new Set<number>();
  for (let i = 0; i < 8; i++) {
    web.add((await ask('/', { host: 'www.example.com' })).worker);
    api.add((await ask('/api/x')).worker);
  }
  assert.deepEqual([...web].sort(), [1, 2]);
  assert.deepEqual([...api].sort(), [3, 4]);
  const routed = master.routed().filter((r) => r.listener === 0);
  assert.deepEqual(routed.map((r) => [r.group, r.connections]), [['web', 3 + 8], ['api', 4 + 8]]);
});

test('keep-alive: later requests on a connection stay with the worker the first one chose', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const one = (path: string) => new Promise<{ worker: number; group: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
  const first = await one('/api/first');
  const second = await one('/static/second');
  agent.destroy();
  assert.equal(first.group, 'api');
  assert.deepEqual(second, { ...second, worker: first.worker, group: 'api' }, 'no re-routing inside one connection');
});

/** Sends raw bytes; resolves with everything the server sent back before closing. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (d) => { out += d; });
    s.on('close', () => resolve(out));
    s.on('error', reject);
    s.write(bytes);
  });
}

test('a malformed head goes to the default group by default, and is counted', async () => {
  const before = master.stats.contentInvalid[0].get('missing-host') ?? 0;
  const res = await raw('GET /api/x HTTP/1.1\r\nConnection: close\r\n\r\n');
  // The application (Node's http) answers the malformed request itself; the web group saw it.
  assert.match(res, /^HTTP\/1\.1 400/);
  assert.equal(master.stats.contentInvalid[0].get('missing-host'), before + 1);
  assert.equal(master.routed()[0].group, 'web');
});
