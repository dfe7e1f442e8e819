// SNI and ALPN routing with a real TLS client to unmodified https servers in two groups: the
// master reads the ClientHello, picks the group, and the chosen worker completes the handshake.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import type { Master } from '../../src/index.js';
import { fixture, startMaster } from '../helpers/cluster.js';

let master: Master;
let port: number;
const ca = readFileSync(fixture('tls/cert.pem'));

before(async () => {
  ({ master, port } = await startMaster({
    script: fixture('https-app.js'), listen: undefined,
    groups: { web: { workers: 2 }, api: { workers: 2 } },
    listeners: [{
      listen: '127.0.0.1:0', group: 'web',
      content: { protocol: 'tls', rules: [{ group: 'api', sni: ['api.example.test', '*.api.test'] }, { group: 'api', alpn: 'x-api' }] },
    }],
  } as never));
});
after(async () => { await master.stop(); });

/** A TLS handshake and one request; resolves with the body ("<worker id> tls"). */
function ask(servername: string | undefined, ALPNProtocols?: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // The certificate is for localhost: the routing names are checked by the master, not the client.
    const s = tls.connect({ host: '127.0.0.1', port, servername, ALPNProtocols, ca, checkServerIdentity: () => undefined });
    let out = '';
    s.setEncoding('utf8');
    s.on('secureConnect', () => s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    s.on('data', (d) => { out += d; });
    s.on('end', () => resolve(out.slice(out.indexOf('\r\n\r\n') + 4)));
    s.on('error', reject);
  });
}

const groupOf = (body: string): string => {
  const id = Number(body.split(' ')[0]);
  assert.match(body, /^\d+ tls$/);
  return id <= 2 ? 'web' : 'api';
};

test('SNI exact and wildcard names go to the api group, other names to the web group', async () => {
  const seen = { web: new Set<string>(), api: new Set<string>() };
  for (let i = 0; i < 4; i++) {
    for (const [name, group] of [['api.example.test', 'api'], ['eu.api.test', 'api'], ['localhost', 'web'], ['www.example.test', 'web']] as const) {
      const body = await ask(name);
      assert.equal(groupOf(body), group, name);
      seen[group].add(body);
    }
  }
  assert.deepEqual([...seen.api].sort(), ['3 tls', '4 tls']);
  assert.deepEqual([...seen.web].sort(), ['1 tls', '2 tls']);
});

test('no SNI goes to the default group; an offered ALPN protocol routes', async () => {
  assert.equal(groupOf(await ask(undefined)), 'web');
  // https servers accept only http/1.1 by ALPN; the master routes on what the client offers.
  assert.equal(groupOf(await ask('localhost', ['x-api', 'http/1.1'])), 'api');
  assert.equal(groupOf(await ask('localhost', ['http/1.1'])), 'web');
});
