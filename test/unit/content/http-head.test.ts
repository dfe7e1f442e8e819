import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  type HttpHead, type HttpHeadLimits, HTTP_INVALID_REASONS, HTTP_REQUEST_LINE_MAX, parseHttpHead, queryParam,
} from '../../../src/content/http-head.js';
import type { ParseResult } from '../../../src/content/parse-result.js';

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const STATUSES = new Set(['need-more', 'parsed', 'invalid']);
const CRLFCRLF = latin1('\r\n\r\n');

function parsed(r: ParseResult<HttpHead>): { value: HttpHead; consumed: number } {
  assert.equal(r.status, 'parsed', JSON.stringify(r));
  return r as { value: HttpHead; consumed: number };
}

// Every invalid reason some test below produced, to check the list is covered.
const seenReasons = new Set<string>();
function expectInvalid(bytes: string | Buffer, reason: string, limits?: HttpHeadLimits): void {
  const buf = typeof bytes === 'string' ? latin1(bytes) : bytes;
  const r = parseHttpHead(buf, limits);
  assert.deepEqual(r, { status: 'invalid', reason }, JSON.stringify(buf.toString('latin1').slice(0, 120)));
  seenReasons.add(reason);
}

function expectPrefixesNeedMore(head: Buffer, limits?: HttpHeadLimits): void {
  for (let n = 0; n < head.length; n++) {
    const r = parseHttpHead(head.subarray(0, n), limits);
    assert.equal(r.status, 'need-more', `prefix of ${n} bytes: ${JSON.stringify(r)}`);
  }
}

/** The invariants every answer keeps, whatever the input. */
function checkShape(buf: Buffer, r: ParseResult<HttpHead>): void {
  assert.ok(STATUSES.has(r.status), JSON.stringify(r));
  if (r.status === 'invalid') assert.ok((HTTP_INVALID_REASONS as readonly string[]).includes(r.reason), r.reason);
  if (r.status === 'parsed') {
    assert.ok(r.consumed <= buf.length);
    // The head ends at the first empty line: no CRLFCRLF can hide earlier inside it.
    assert.equal(buf.indexOf(CRLFCRLF) + 4, r.consumed);
  }
}

// ---- valid heads ----

interface Expect {
  method?: string; target?: string; path?: string; query?: string; version?: '1.0' | '1.1';
  host?: string | undefined; headers?: Array<[string, string[]]>; cookies?: Array<[string, string]>;
}
const ok: Array<{ name: string; head: string; body?: string; expect: Expect; limits?: HttpHeadLimits }> = [
  {
    name: 'GET with query',
    head: 'GET /search?q=a+b&x=%41 HTTP/1.1\r\nHost: Example.COM\r\n\r\n',
    expect: { method: 'GET', target: '/search?q=a+b&x=%41', path: '/search', query: 'q=a+b&x=%41', version: '1.1', host: 'example.com', headers: [['host', ['Example.COM']]], cookies: [] },
  },
  {
    name: 'POST with Content-Length (body not consumed)',
    head: 'POST /api/v1 HTTP/1.1\r\nHost: api.local\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n',
    body: 'hello',
    expect: { method: 'POST', path: '/api/v1', query: '', host: 'api.local', headers: [['host', ['api.local']], ['content-type', ['text/plain']], ['content-length', ['5']]] },
  },
  {
    name: 'absolute-form: path and host from the URL',
    head: 'GET http://Example.com:8080/p/q?x=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n',
    expect: { target: 'http://Example.com:8080/p/q?x=1', path: '/p/q', query: 'x=1', host: 'example.com' },
  },
  {
    name: 'absolute-form HTTP/1.0 without Host, empty path',
    head: 'GET https://www.example.org?a HTTP/1.0\r\n\r\n',
    expect: { path: '/', query: 'a', version: '1.0', host: 'www.example.org', headers: [] },
  },
  {
    name: 'absolute-form with an IPv6 authority',
    head: 'GET http://[2001:DB8::1]:81/ HTTP/1.1\r\nHost: [2001:db8::1]\r\n\r\n',
    expect: { path: '/', host: '[2001:db8::1]' },
  },
  {
    name: 'OPTIONS *',
    head: 'OPTIONS * HTTP/1.1\r\nHost: example.com\r\n\r\n',
    expect: { method: 'OPTIONS', target: '*', path: '*', query: '', host: 'example.com' },
  },
  {
    name: 'CONNECT authority-form',
    head: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    expect: { method: 'CONNECT', target: 'example.com:443', path: '', query: '', host: 'example.com' },
  },
  {
    name: 'HTTP/1.0 without Host',
    head: 'GET / HTTP/1.0\r\n\r\n',
    expect: { version: '1.0', path: '/', host: undefined, headers: [], cookies: [] },
  },
  {
    name: 'repeated headers kept in order, names lowercased, values trimmed',
    head: 'GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nAccept: */*\r\nx-a:2  \r\nX-A:\t 3 \t\r\nX-Empty:\r\nX-Inner: a  b\r\n\r\n',
    expect: { headers: [['host', ['h']], ['x-a', ['1', '2', '3']], ['accept', ['*/*']], ['x-empty', ['']], ['x-inner', ['a  b']]] },
  },
  {
    name: 'cookies from every Cookie field, first wins',
    head: 'GET / HTTP/1.1\r\nHost: h\r\nCookie: a=1; b=2\r\nCookie: a=3;c="q";flag; =x;d=e=f\r\n\r\n',
    expect: { cookies: [['a', '1'], ['b', '2'], ['c', 'q'], ['d', 'e=f']] },
  },
  { name: 'host with port', head: 'GET / HTTP/1.1\r\nHost: WWW.Example.com:8080\r\n\r\n', expect: { host: 'www.example.com' } },
  { name: 'IPv6 host with port', head: 'GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n', expect: { host: '[::1]' } },
  { name: 'IPv6 host lowercased', head: 'GET / HTTP/1.1\r\nHost: [FE80::A]\r\n\r\n', expect: { host: '[fe80::a]' } },
  { name: 'IPv4 host, empty port', head: 'GET / HTTP/1.1\r\nHost: 10.0.0.1:\r\n\r\n', expect: { host: '10.0.0.1' } },
  { name: 'empty Host (allowed by RFC 9112 3.2): no host', head: 'GET / HTTP/1.1\r\nHost:\r\n\r\n', expect: { host: undefined } },
  { name: 'identical repeated Host tolerated', head: 'GET / HTTP/1.1\r\nHost: a.b\r\nhost: A.B\r\n\r\n', expect: { host: 'a.b' } },
  { name: 'Transfer-Encoding ending in chunked', head: 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, ,Chunked\r\n\r\n', body: '0\r\n\r\n', expect: {} },
  { name: 'obs-text kept as latin1', head: 'GET / HTTP/1.1\r\nHost: h\r\nX-Name: caf\xe9\r\n\r\n', expect: { headers: [['host', ['h']], ['x-name', ['caf\xe9']]] } },
  { name: 'odd but valid method and target', head: "M-SEARCH! /a/b;c=d/:@!$&'()*+,;=/%7e?/?x HTTP/1.1\r\nHost: h\r\n\r\n", expect: { method: 'M-SEARCH!', path: "/a/b;c=d/:@!$&'()*+,;=/%7e", query: '/?x' } },
  { name: 'Content-Length of 15 digits', head: 'PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 999999999999999\r\n\r\n', expect: {} },
  { name: 'exactly maxHeaders fields', head: 'GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\n\r\n', limits: { maxHeaders: 2 }, expect: {} },
];

describe('parseHttpHead: valid heads', () => {
  for (const c of ok) {
    it(c.name, () => {
      const head = latin1(c.head);
      const { value, consumed } = parsed(parseHttpHead(Buffer.concat([head, latin1(c.body ?? '')]), c.limits));
      assert.equal(consumed, head.length);
      const { headers, cookies, ...rest } = c.expect;
      for (const [k, v] of Object.entries(rest)) assert.deepEqual(value[k as keyof HttpHead], v, k);
      if ('host' in c.expect) assert.equal(value.host, c.expect.host);
      if (headers) assert.deepEqual([...value.headers], headers);
      if (cookies) assert.deepEqual([...value.cookies], cookies);
      expectPrefixesNeedMore(head, c.limits);
    });
  }

  it('a request line of exactly HTTP_REQUEST_LINE_MAX bytes parses', () => {
    const line = `GET /${'a'.repeat(HTTP_REQUEST_LINE_MAX - 14)} HTTP/1.0`;
    assert.equal(line.length, HTTP_REQUEST_LINE_MAX);
    assert.equal(parsed(parseHttpHead(latin1(`${line}\r\n\r\n`))).value.path.length, HTTP_REQUEST_LINE_MAX - 13);
  });

  it('a head of exactly maxBytes parses; one byte fewer allowed is too-large', () => {
    const head = latin1('GET /abc HTTP/1.1\r\nHost: h\r\n\r\n');
    assert.equal(parsed(parseHttpHead(head, { maxBytes: head.length })).consumed, head.length);
    assert.equal(parsed(parseHttpHead(Buffer.concat([head, latin1('body')]), { maxBytes: head.length })).consumed, head.length);
    expectInvalid(head, 'too-large', { maxBytes: head.length - 1 });
    assert.equal(parseHttpHead(head.subarray(0, head.length - 2), { maxBytes: head.length - 1 }).status, 'need-more');
  });

  it('bad limits fall back to the defaults instead of throwing', () => {
    const head = latin1('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    for (const v of [NaN, -1, Infinity, -Infinity, undefined]) {
      assert.equal(parsed(parseHttpHead(head, { maxBytes: v, maxHeaders: v })).consumed, head.length);
    }
    assert.equal(parsed(parseHttpHead(head, { maxBytes: 100.9, maxHeaders: 1.5 })).consumed, head.length);
  });
});

// ---- invalid heads ----

const H = 'Host: h\r\n';
const bad: Array<{ bytes: string; reason: string; limits?: HttpHeadLimits }> = [
  // not HTTP at all, decided from the first byte
  { bytes: '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', reason: 'not-http' },
  { bytes: '\x16', reason: 'not-http' },
  { bytes: '\r\nGET / HTTP/1.1\r\n\r\n', reason: 'not-http' },
  { bytes: ' GET / HTTP/1.1\r\n\r\n', reason: 'not-http' },
  { bytes: '\x00', reason: 'not-http' },
  { bytes: `GET /${'a'.repeat(HTTP_REQUEST_LINE_MAX)}`, reason: 'not-http' },
  { bytes: `GET /${'a'.repeat(HTTP_REQUEST_LINE_MAX - 13)} HTTP/1.0\r\n\r\n`, reason: 'not-http' },
  { bytes: 'A'.repeat(HTTP_REQUEST_LINE_MAX + 1), reason: 'not-http' },
  // limits
  { bytes: `GET / HTTP/1.1\r\n${H}X-Long: ${'a'.repeat(100)}`, reason: 'too-large', limits: { maxBytes: 64 } },
  { bytes: 'GET / HTTP/1.1\r\nHost: h\r\n\r', reason: 'too-large', limits: { maxBytes: 26 } },
  { bytes: `GET / HTTP/1.1\r\n${H}A: 1\r\nB: 2\r\n\r\n`, reason: 'too-many-headers', limits: { maxHeaders: 2 } },
  { bytes: `GET / HTTP/1.0\r\nA: 1\r\n\r\n`, reason: 'too-many-headers', limits: { maxHeaders: 0 } },
  // request line
  { bytes: 'GE(T / HTTP/1.1\r\n\r\n', reason: 'bad-method' },
  { bytes: 'GET\t/ HTTP/1.1\r\n\r\n', reason: 'bad-method' },
  { bytes: 'SSH-2.0-OpenSSH_9.6\r\n', reason: 'bad-method' },
  { bytes: 'GET /a#frag HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET /%zz HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET /%4 HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET /<script> HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET /a|b HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET /caf\xc3\xa9 HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET /a\x00 HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET  / HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET * HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'OPTIONS *x HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'CONNECT / HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'CONNECT example.com HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'CONNECT example.com: HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'CONNECT :443 HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET example.com:443 HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET http://user@h/ HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET http:///x HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET http:/x HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET 1http://h/ HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET http://h:99999/ HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET /[x] HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET http://h/[x] HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'GET http://[::1/ HTTP/1.1\r\n', reason: 'bad-target' },
  { bytes: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', reason: 'bad-target' },
  { bytes: 'GET / HTTP/2.0\r\n\r\n', reason: 'bad-version' },
  { bytes: 'GET / HTTP/1.2\r\n\r\n', reason: 'bad-version' },
  { bytes: 'GET / http/1.1\r\n\r\n', reason: 'bad-version' },
  { bytes: 'GET / HTTP/1.1 \r\n\r\n', reason: 'bad-version' },
  { bytes: 'GET / HTTP/1.10\r\n\r\n', reason: 'bad-version' },
  { bytes: 'GET /\r\n', reason: 'bad-target' }, // HTTP/0.9
  { bytes: 'GET / HTTP/1.\r\n', reason: 'bad-version' },
  // line endings
  { bytes: 'GET / HTTP/1.1\nHost: h\n\n', reason: 'bare-lf' },
  { bytes: 'GET / HTTP/1.1\r\nHost: h\n\r\n', reason: 'bare-lf' },
  { bytes: 'GET / HTTP/1.1\r\nHost: h\r\n\n', reason: 'bare-lf' },
  { bytes: 'GET / HTTP/1.1\r\nX\n', reason: 'bare-lf' },
  { bytes: 'GET / HTTP/1.1\rHost: h\r\n\r\n', reason: 'bare-cr' },
  { bytes: 'GET / HTTP/1.1\r\nHost: h\rX: 1\r\n\r\n', reason: 'bare-cr' },
  { bytes: 'GET / HTTP/1.1\r\nHost: h\r\n\rX', reason: 'bare-cr' },
  // field lines
  { bytes: `GET / HTTP/1.1\r\n${H}X: 1\r\n 2\r\n\r\n`, reason: 'obs-fold' },
  { bytes: `GET / HTTP/1.1\r\n\tX: 1\r\n${H}\r\n`, reason: 'obs-fold' },
  { bytes: `GET / HTTP/1.1\r\n ${H}\r\n`, reason: 'obs-fold' },
  { bytes: `GET / HTTP/1.1\r\n${H}X(: 1\r\n\r\n`, reason: 'bad-header-name' },
  { bytes: `GET / HTTP/1.1\r\n${H}: v\r\n\r\n`, reason: 'bad-header-name' },
  { bytes: `GET / HTTP/1.1\r\n${H}NoColon\r\n\r\n`, reason: 'bad-header-name' },
  { bytes: `GET / HTTP/1.1\r\n${H}X\xe9: 1\r\n\r\n`, reason: 'bad-header-name' },
  { bytes: 'GET / HTTP/1.1\r\nHost : h\r\n\r\n', reason: 'space-before-colon' },
  { bytes: 'GET / HTTP/1.1\r\nHost\t: h\r\n\r\n', reason: 'space-before-colon' },
  { bytes: `GET / HTTP/1.1\r\n${H}X: a\x00b\r\n\r\n`, reason: 'bad-header-value' },
  { bytes: `GET / HTTP/1.1\r\n${H}X: a\x7fb\r\n\r\n`, reason: 'bad-header-value' },
  { bytes: `GET / HTTP/1.1\r\n${H}X: \x01\r\n\r\n`, reason: 'bad-header-value' },
  { bytes: `GET / HTTP/1.1\r\n${H}X: \x1b[0m\r\n\r\n`, reason: 'bad-header-value' },
  // Host
  { bytes: 'GET / HTTP/1.1\r\n\r\n', reason: 'missing-host' },
  { bytes: 'GET / HTTP/1.1\r\nX-Host: h\r\n\r\n', reason: 'missing-host' },
  { bytes: 'GET http://h/ HTTP/1.1\r\n\r\n', reason: 'missing-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', reason: 'multiple-host' },
  { bytes: 'GET / HTTP/1.0\r\nHost: a\r\nHost: a:80\r\n\r\n', reason: 'multiple-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: a,b c\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: [::1\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: [fe80::1%25eth0]\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: [1.2.3.4]\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: []\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: h:99999\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: h:8o\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: h:1:2\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: user@h\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: h%2\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET / HTTP/1.1\r\nHost: caf\xe9.example\r\n\r\n', reason: 'bad-host' },
  { bytes: 'GET http://a/ HTTP/1.1\r\nHost: b\r\n\r\n', reason: 'host-mismatch' },
  { bytes: 'GET http://a/ HTTP/1.1\r\nHost:\r\n\r\n', reason: 'host-mismatch' },
  { bytes: 'CONNECT a:443 HTTP/1.1\r\nHost: b:443\r\n\r\n', reason: 'host-mismatch' },
  // framing: request smuggling defences
  { bytes: `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n`, reason: 'cl-and-te' },
  { bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: x\r\n\r\n`, reason: 'cl-and-te' },
  ...['-1', 'abc', '', '1 2', '5, 5', '+5', '0x10', '1234567890123456', '5\t,'].map((v) => ({
    bytes: `POST / HTTP/1.1\r\n${H}Content-Length: ${v}\r\n\r\n`, reason: 'bad-content-length',
  })),
  { bytes: `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 5\r\n\r\n`, reason: 'bad-content-length' },
  ...['chunked, gzip', 'gzip', 'chunked, chunked', 'chunked;x=1', '', ',', 'chunked, "x"', 'chunk\xe9d'].map((v) => ({
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: ${v}\r\n\r\n`, reason: 'bad-transfer-encoding',
  })),
  { bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n`, reason: 'bad-transfer-encoding' },
  { bytes: 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', reason: 'bad-transfer-encoding' },
];

describe('parseHttpHead: invalid heads', () => {
  for (const { bytes, reason, limits } of bad) {
    const shown = bytes.length > 70 ? `${bytes.slice(0, 67)}...` : bytes;
    it(`${JSON.stringify(shown)} -> ${reason}`, () => expectInvalid(bytes, reason, limits));
  }

  // Decided before the head ends, as soon as no continuation can be valid.
  const early: Array<{ bytes: string; reason?: string }> = [
    { bytes: '\x16', reason: 'not-http' },
    { bytes: 'G', reason: undefined },
    { bytes: 'GET', reason: undefined },
    { bytes: 'GET /a\x00', reason: 'bad-target' },
    { bytes: 'GET /%g', reason: 'bad-target' },
    { bytes: 'GET /%', reason: undefined },
    { bytes: 'GET / HTTP/2', reason: 'bad-version' },
    { bytes: 'GET / HTTP/1.1', reason: undefined },
    { bytes: 'GET / HTTP/1.1\r', reason: undefined },
    { bytes: 'GET / HTTP/1.1\n', reason: 'bare-lf' },
    { bytes: 'GET / HTTP/1.1\r\n ', reason: 'obs-fold' },
    { bytes: 'GET / HTTP/1.1\r\nX ', reason: 'space-before-colon' },
    { bytes: 'GET / HTTP/1.1\r\nX: \x00', reason: 'bad-header-value' },
    { bytes: 'GET / HTTP/1.1\r\nX: 1\r', reason: undefined },
    { bytes: 'GET / HTTP/1.1\r\nX: 1\r\n\r', reason: undefined },
    { bytes: 'GET / HTTP/1.1\r\n\r', reason: undefined }, // missing Host is only known at the end
    { bytes: 'A'.repeat(HTTP_REQUEST_LINE_MAX), reason: undefined },
  ];
  for (const { bytes, reason } of early) {
    it(`early: ${JSON.stringify(bytes.length > 40 ? `${bytes.slice(0, 37)}...` : bytes)} -> ${reason ?? 'need-more'}`, () => {
      if (reason) expectInvalid(bytes, reason);
      else assert.deepEqual(parseHttpHead(latin1(bytes)), { status: 'need-more' });
    });
  }

  it('every reason in HTTP_INVALID_REASONS is produced by a test above', () => {
    assert.deepEqual([...HTTP_INVALID_REASONS].filter((r) => !seenReasons.has(r)), []);
    assert.deepEqual([...seenReasons].filter((r) => !(HTTP_INVALID_REASONS as readonly string[]).includes(r)), []);
  });
});

// ---- properties ----

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const TCHARS = `${ALNUM}!#$%&'*+-.^_\`|~`;
const PCHARS = `${ALNUM}-._~!$&'()*+,;=:@`;
const chars = (set: string, min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...set), { minLength: min, maxLength: max }).map((a) => a.join(''));
const pctArb = fc.tuple(fc.constantFrom(...'0123456789abcdefABCDEF'), fc.constantFrom(...'0123456789abcdefABCDEF')).map(([a, b]) => `%${a}${b}`);
const pcharsArb = (max: number): fc.Arbitrary<string> =>
  fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PCHARS) }, { weight: 1, arbitrary: pctArb }), { maxLength: max }).map((a) => a.join(''));
const pathArb = fc.array(pcharsArb(8), { minLength: 1, maxLength: 5 }).map((segs) => `/${segs.join('/')}`);
const queryArb = fc.array(fc.oneof(pcharsArb(6), fc.constantFrom('/', '?')), { maxLength: 6 }).map((a) => a.join(''));
const methodArb = chars(TCHARS, 1, 10).filter((m) => m !== 'CONNECT');
const owsArb = chars(' \t', 0, 3);
// Field value: VCHAR and obs-text, with SP/HTAB inside.
const valueCharArb = fc.oneof(fc.integer({ min: 0x21, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0x20, 0x09))
  .map((c) => String.fromCharCode(c));
const valueArb = fc.array(valueCharArb, { maxLength: 24 }).map((a) => a.join(''));
const trimOws = (s: string): string => s.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
const hostArb = fc.record({
  name: fc.oneof(chars(`${ALNUM}-.`, 1, 20), fc.constantFrom('[::1]', '[2001:DB8::1]', '[::ffff:1.2.3.4]', '127.0.0.1')),
  port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
}).map(({ name, port }) => ({ sent: port === undefined ? name : `${name}:${port}`, host: name.toLowerCase() }));

interface Generated { head: Buffer; expected: HttpHead }
const validHeadArb: fc.Arbitrary<Generated> = fc.record({
  method: methodArb,
  absolute: fc.boolean(),
  path: pathArb,
  query: fc.option(queryArb, { nil: undefined }),
  version: fc.constantFrom('1.0' as const, '1.1' as const),
  host: hostArb,
  sendHost: fc.boolean(),
  hostAt: fc.nat(),
  hostOws: fc.tuple(owsArb, owsArb),
  fields: fc.array(fc.record({ name: chars(TCHARS, 1, 12).map((n) => `X-${n}`), before: owsArb, value: valueArb }), { maxLength: 8 }),
}).map((g) => {
  const target = `${g.absolute ? `http://${g.host.sent}` : ''}${g.path}${g.query === undefined ? '' : `?${g.query}`}`;
  const fields = g.fields.map((f) => ({ name: f.name, line: `${f.name}:${f.before}${f.value}` }));
  const sendHost = g.sendHost || g.version === '1.1';
  if (sendHost) fields.splice(g.hostAt % (fields.length + 1), 0, { name: 'Host', line: `Host:${g.hostOws[0]}${g.host.sent}${g.hostOws[1]}` });
  const head = latin1(`${g.method} ${target} HTTP/${g.version}\r\n${fields.map((f) => `${f.line}\r\n`).join('')}\r\n`);
  const headers = new Map<string, string[]>();
  for (const f of fields) {
    const name = f.name.toLowerCase();
    const value = trimOws(f.line.slice(f.name.length + 1));
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  const expected: HttpHead = {
    method: g.method, target, path: g.path, query: g.query ?? '', version: g.version,
    host: sendHost || g.absolute ? g.host.host : undefined, headers, cookies: new Map(),
  };
  return { head, expected };
});

type Mutation = { kind: 'flip' | 'insert' | 'delete' | 'truncate'; at: number; byte: number };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip' as const, 'insert' as const, 'delete' as const, 'truncate' as const),
  at: fc.nat(),
  byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x00)),
});
function mutate(buf: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(buf);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === 'flip' && out.length > 0) out[at] = m.byte;
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from([m.byte]), out.subarray(at)]);
    else if (m.kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
    else if (m.kind === 'truncate') out = out.subarray(0, at);
  }
  return out;
}
const limitsArb: fc.Arbitrary<HttpHeadLimits | undefined> = fc.option(fc.record({
  maxBytes: fc.option(fc.oneof(fc.integer({ min: 0, max: 600 }), fc.constantFrom(NaN, -5, Infinity)), { nil: undefined }),
  maxHeaders: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
}), { nil: undefined });

describe('parseHttpHead: properties', () => {
  it('a valid head parses to exactly what was sent; every strict prefix needs more', () => {
    fc.assert(fc.property(validHeadArb, ({ head, expected }) => {
      const { value, consumed } = parsed(parseHttpHead(head));
      assert.equal(consumed, head.length);
      assert.deepEqual(value, expected);
      expectPrefixesNeedMore(head);
    }), { numRuns: 300 });
  });

  it('head + any body parses the same, with the same consumed, even past maxBytes', () => {
    fc.assert(fc.property(validHeadArb, fc.uint8Array({ maxLength: 200 }), ({ head, expected }, body) => {
      const limits = { maxBytes: head.length };
      const r = parsed(parseHttpHead(Buffer.concat([head, body]), limits));
      assert.equal(r.consumed, head.length);
      assert.deepEqual(r.value, expected);
    }), { numRuns: 300 });
  });

  it('random bytes never throw and keep the result shape', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), limitsArb, (bytes, limits) => {
      const buf = Buffer.from(bytes);
      checkShape(buf, parseHttpHead(buf, limits));
    }), { numRuns: 2000 });
  });

  it('mutated valid heads (flips, insertions, deletions, truncations) never throw and keep the result shape', () => {
    fc.assert(fc.property(validHeadArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), limitsArb, ({ head }, ms, limits) => {
      const buf = mutate(head, ms);
      checkShape(buf, parseHttpHead(buf, limits));
    }), { numRuns: 2000 });
  });

  it('a verdict never changes when more bytes arrive', () => {
    const inputArb = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.tuple(validHeadArb, fc.array(mutationArb, { maxLength: 3 })).map(([g, ms]) => mutate(g.head, ms)),
    );
    fc.assert(fc.property(inputArb, fc.uint8Array({ minLength: 1, maxLength: 100 }), limitsArb, (buf, extra, limits) => {
      const first = parseHttpHead(buf, limits);
      if (first.status === 'need-more') return;
      assert.deepEqual(parseHttpHead(Buffer.concat([buf, extra]), limits), first);
    }), { numRuns: 2000 });
  });

  it('the answer depends on the buffer only: a view into a larger allocation reads nothing past its end', () => {
    const head = latin1('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    const backing = Buffer.concat([head, latin1('X')]);
    for (let n = 0; n < head.length; n++) assert.equal(parseHttpHead(backing.subarray(0, n)).status, 'need-more');
  });
});

describe('parseHttpHead: bounded time', () => {
  const MiB = 1024 * 1024;
  const cases: Array<{ name: string; buf: Buffer; limits?: HttpHeadLimits; status: string }> = [
    { name: '1 MiB of token bytes (no SP ever)', buf: Buffer.alloc(MiB, 'A'), status: 'invalid' },
    { name: '1 MiB, one endless header value', buf: Buffer.concat([latin1('GET / HTTP/1.1\r\nHost: h\r\nX: '), Buffer.alloc(MiB, 'a')]), status: 'invalid' },
    { name: '1 MiB of short header lines', buf: Buffer.concat([latin1('GET / HTTP/1.1\r\n'), latin1('A:1\r\n'.repeat(MiB / 5))]), status: 'invalid' },
    { name: '1 MiB of CR LF CR', buf: Buffer.alloc(MiB, '\r\n\r'), status: 'invalid' },
    {
      name: '1 MiB with maxBytes 2 MiB: scanned in full, still needs more',
      buf: Buffer.concat([latin1('GET / HTTP/1.1\r\nHost: h\r\nX: '), Buffer.alloc(MiB, 'a')]), limits: { maxBytes: 2 * MiB }, status: 'need-more',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.status} in under 200 ms`, () => {
      const t0 = performance.now();
      const r = parseHttpHead(c.buf, c.limits);
      const ms = performance.now() - t0;
      assert.equal(r.status, c.status, JSON.stringify(r));
      if (r.status === 'invalid') assert.ok(['too-large', 'not-http', 'too-many-headers'].includes(r.reason), r.reason);
      assert.ok(ms < 200, `${ms.toFixed(1)} ms`);
    });
  }
});

// ---- queryParam ----

function headWithQuery(query: string): HttpHead {
  return parsed(parseHttpHead(latin1(`GET /p${query === '' ? '' : `?${query}`} HTTP/1.0\r\n\r\n`))).value;
}

describe('queryParam', () => {
  const cases: Array<{ query: string; name: string; expect: string | undefined }> = [
    { query: 'a=1&b=2', name: 'b', expect: '2' },
    { query: 'a=1&b=2', name: 'c', expect: undefined },
    { query: '', name: 'a', expect: undefined },
    { query: 'a', name: 'a', expect: '' },
    { query: 'a=', name: 'a', expect: '' },
    { query: 'a=1&a=2', name: 'a', expect: '1' },
    { query: 'a=x+y%20z', name: 'a', expect: 'x y z' },
    { query: 'a=%C3%A9', name: 'a', expect: '\u00e9' },
    { query: 'a=%2B', name: 'a', expect: '+' },
    { query: 'a=b=c', name: 'a', expect: 'b=c' },
    { query: 'a%20b=c', name: 'a b', expect: 'c' },
    { query: '&&a=1&', name: 'a', expect: '1' },
    { query: 'a=%E9', name: 'a', expect: undefined }, // not UTF-8
    { query: 'a=%ED%A0%80', name: 'a', expect: undefined }, // a lone surrogate
    { query: 'a=%C3&b=1', name: 'b', expect: '1' }, // another parameter's bad value does not matter
    { query: 'a=%C3&a=1', name: 'a', expect: undefined }, // the first one is the answer
    { query: '%FF=1&a=2', name: 'a', expect: '2' }, // a malformed name never matches
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.query)} [${c.name}] -> ${JSON.stringify(c.expect)}`, () => {
      assert.equal(queryParam(headWithQuery(c.query), c.name), c.expect);
    });
  }

  it('raw malformed percent-encoding (possible in a hand-built head) gives undefined', () => {
    const head = { ...headWithQuery(''), query: 'a=%&b=%zz&c=%4' };
    for (const n of ['a', 'b', 'c']) assert.equal(queryParam(head, n), undefined);
  });

  it('never throws, whatever the query and name', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 5 }), (query, name) => {
      const r = queryParam({ ...headWithQuery(''), query }, name);
      assert.ok(r === undefined || typeof r === 'string');
    }), { numRuns: 2000 });
  });
});
