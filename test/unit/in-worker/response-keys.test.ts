import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { describe, it } from 'node:test';
import { cookieValue, watchResponseKeys } from '../../../src/in-worker/response-keys.js';

describe('cookieValue', () => {
  it('reads the value of the named cookie as the client will send it back', () => {
    assert.equal(cookieValue('connect.sid=s%3Aabc.sig; Path=/; HttpOnly', 'connect.sid'), 's%3Aabc.sig');
    assert.equal(cookieValue('sid=42', 'sid'), '42');
    assert.equal(cookieValue(' sid = 42 ;Secure', 'sid'), '42');
    // Quoted, as the master reads it back from the Cookie header (content/http-head.ts).
    assert.equal(cookieValue('sid="abc"; Path=/', 'sid'), 'abc');
  });
  it('ignores other cookies, and a cookie being cleared', () => {
    assert.equal(cookieValue('other=1; Path=/', 'sid'), undefined);
    assert.equal(cookieValue('sid=; Max-Age=0', 'sid'), undefined);
    assert.equal(cookieValue('garbage', 'sid'), undefined);
  });
});

/** Serves one request with `handler` on a real server watched for `sticky`; returns the keys reported. */
async function keysOf(sticky: { from: 'cookie' | 'header'; name: string }, handler: (res: http.ServerResponse) => void): Promise<string[]> {
  const keys: string[] = [];
  const server = http.createServer((_req, res) => handler(res));
  watchResponseKeys(server, sticky, (k) => keys.push(k));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, agent: false }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
  });
  await new Promise((r) => server.close(r));
  return keys;
}

describe('watchResponseKeys', () => {
  it('sees Set-Cookie given with setHeader, as an implicit head', async () => {
    assert.deepEqual(await keysOf({ from: 'cookie', name: 'sid' }, (res) => {
      res.setHeader('set-cookie', ['a=1', 'sid=abc; Path=/']);
      res.end('x');
    }), ['abc']);
  });
  it('sees headers given to writeHead, as an object or as raw pairs', async () => {
    assert.deepEqual(await keysOf({ from: 'header', name: 'x-session' }, (res) => {
      res.writeHead(200, { 'X-Session': 't1' }).end();
    }), ['t1']);
    assert.deepEqual(await keysOf({ from: 'cookie', name: 'sid' }, (res) => {
      res.writeHead(200, 'OK', ['Set-Cookie', 'sid=r1', 'Content-Type', 'text/plain']).end();
    }), ['r1']);
  });
  it('reports nothing for a response without the key', async () => {
    assert.deepEqual(await keysOf({ from: 'header', name: 'x-session' }, (res) => res.end('plain')), []);
  });
  it('comes before wrappers installed later, such as on-headers', async () => {
    assert.deepEqual(await keysOf({ from: 'cookie', name: 'sid' }, (res) => {
      const inner = res.writeHead;
      // What express-session does through on-headers: set the cookie as the head is written.
      res.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
        this.setHeader('set-cookie', 'sid=late');
        return (inner as (...a: unknown[]) => http.ServerResponse).apply(this, args);
      } as typeof res.writeHead;
      res.end();
    }), ['late']);
  });
});
