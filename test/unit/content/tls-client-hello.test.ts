import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import fc from 'fast-check';
import {
  type ClientHello, type ClientHelloLimits, TLS_HELLO_DEFAULT_MAX_BYTES, TLS_INVALID_REASONS, parseClientHello,
} from '../../../src/content/tls-client-hello.js';
import type { ParseResult } from '../../../src/content/parse-result.js';

// ---- real hellos: the bytes Node's own TLS client sends first ----

/** True once `bytes` hold whole records that carry a whole handshake message. */
function holdsWholeHello(bytes: Buffer): boolean {
  let body = 0;
  let at = 0;
  while (bytes.length >= at + 5 && bytes.length >= at + 5 + bytes.readUInt16BE(at + 3)) {
    body += bytes.readUInt16BE(at + 3);
    at += 5 + bytes.readUInt16BE(at + 3);
    if (body >= 4 && bytes.length >= 9 && body >= 4 + bytes.readUIntBE(6, 3)) return true;
  }
  return false;
}

/** Connects a TLS client to a plain TCP server and returns what the client sent first. */
async function captureHello(options: tls.ConnectionOptions): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => reject(new Error('no ClientHello within 5 s')), 5000);
      server.on('connection', (socket) => {
        socket.on('error', () => {});
        socket.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          const bytes = Buffer.concat(chunks);
          if (!holdsWholeHello(bytes)) return;
          clearTimeout(timer);
          socket.destroy();
          client.destroy();
          resolve(bytes);
        });
      });
      const client = tls.connect({ port, host: '127.0.0.1', ...options });
      client.on('error', () => {}); // the handshake is never answered
    });
  } finally {
    server.close();
  }
}

/** The handshake bytes carried by the records in `bytes`. */
function unframe(bytes: Buffer): Buffer {
  const bodies: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 5 + bytes.readUInt16BE(at + 3)) {
    bodies.push(bytes.subarray(at + 5, at + 5 + bytes.readUInt16BE(at + 3)));
  }
  return Buffer.concat(bodies);
}

// ---- a test-side encoder ----

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
const u8 = (n: number): Buffer => Buffer.from([n]);
const u16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u24 = (n: number): Buffer => { const b = Buffer.alloc(3); b.writeUIntBE(n, 0, 3); return b; };
const vec8 = (b: Buffer): Buffer => Buffer.concat([u8(b.length), b]);
const vec16 = (b: Buffer): Buffer => Buffer.concat([u16(b.length), b]);
const cat = (...bs: Buffer[]): Buffer => Buffer.concat(bs);

const ext = (type: number, data: Buffer): Buffer => cat(u16(type), vec16(data));
const sniEntry = (name: Buffer | string, type = 0): Buffer => cat(u8(type), vec16(typeof name === 'string' ? ascii(name) : name));
const sniExt = (...names: Array<Buffer | string>): Buffer => ext(0, vec16(cat(...names.map((n) => sniEntry(n)))));
const alpnExt = (...names: string[]): Buffer => ext(16, vec16(cat(...names.map((n) => vec8(ascii(n))))));
const versionsExt = (...versions: number[]): Buffer => ext(43, vec8(cat(...versions.map(u16))));

interface BodySpec {
  version?: number; // default 0x0303
  sessionId?: Buffer; // default 32 bytes
  suites?: Buffer; // the cipher_suites vector, length included
  compression?: Buffer; // the compression_methods vector, length included
  /** Extensions, each encoded; null: no extensions block at all. */
  extensions?: Buffer[] | null;
  /** Raw bytes instead of the extensions block, length included. */
  extBlock?: Buffer;
}

const DEFAULT_EXTENSIONS = [sniExt('example.com'), alpnExt('h2', 'http/1.1'), versionsExt(0x0304, 0x0303)];

function helloBody(s: BodySpec = {}): Buffer {
  const exts = s.extBlock ?? (s.extensions === null ? Buffer.alloc(0) : vec16(cat(...(s.extensions ?? DEFAULT_EXTENSIONS))));
  return cat(
    u16(s.version ?? 0x0303), Buffer.alloc(32, 0xab), vec8(s.sessionId ?? Buffer.alloc(32, 0xcd)),
    s.suites ?? vec16(cat(u16(0x1301), u16(0x1302))), s.compression ?? vec8(u8(0)), exts,
  );
}

/** A handshake message: msg_type, 24-bit length (overridable), body. */
const handshake = (body: Buffer, type = 1, length = body.length): Buffer => cat(u8(type), u24(length), body);

interface Framing { sizes?: number[]; version?: number; type?: number }

/** `hs` framed as records of `sizes` bytes each (the last takes the rest). */
function records(hs: Buffer, f: Framing = {}): Buffer {
  const out: Buffer[] = [];
  const sizes = [...(f.sizes ?? []), Infinity];
  for (let at = 0, i = 0; at < hs.length || i === 0; i++) {
    const piece = hs.subarray(at, Math.min(hs.length, at + sizes[i]!));
    out.push(cat(u8(f.type ?? 22), u16(f.version ?? 0x0301), u16(piece.length), piece));
    at += piece.length;
  }
  return cat(...out);
}

const hello = (s: BodySpec = {}, f: Framing = {}): Buffer => records(handshake(helloBody(s)), f);

function parsed(r: ParseResult<ClientHello>): { value: ClientHello; consumed: number } {
  assert.equal(r.status, 'parsed', JSON.stringify(r));
  return r as { status: 'parsed'; value: ClientHello; consumed: number };
}

function expectInvalid(buf: Buffer, reason: string, limits?: ClientHelloLimits): void {
  assert.deepEqual(parseClientHello(buf, limits), { status: 'invalid', reason });
}

/** What must hold for any input whatsoever. */
function checkInvariants(buf: Buffer, limits?: ClientHelloLimits): ParseResult<ClientHello> {
  const r = parseClientHello(buf, limits);
  switch (r.status) {
    case 'parsed': assert.ok(r.consumed > 0 && r.consumed <= buf.length); break;
    case 'need-more': assert.ok(r.need === undefined || r.need > buf.length); break;
    case 'invalid': assert.ok((TLS_INVALID_REASONS as readonly string[]).includes(r.reason), r.reason); break;
    default: assert.fail(`unknown status ${JSON.stringify(r)}`);
  }
  return r;
}

// ---- tests ----

describe('ClientHello from Node\'s TLS client', () => {
  let real: Buffer;
  let noSni: Buffer;
  let ipOnly: Buffer;
  before(async () => {
    [real, noSni, ipOnly] = await Promise.all([
      captureHello({ servername: 'api.example.com', ALPNProtocols: ['h2', 'http/1.1'] }),
      captureHello({ servername: '' }),
      captureHello({}),
    ]);
  });

  it('reads SNI, ALPN, versions; consumes exactly the hello', () => {
    const { value, consumed } = parsed(parseClientHello(real));
    assert.equal(value.sni, 'api.example.com');
    assert.deepEqual(value.alpn, ['h2', 'http/1.1']);
    assert.ok(value.supportedVersions.includes(0x0304), String(value.supportedVersions));
    assert.equal(value.version, 0x0303);
    assert.equal(consumed, real.length);
  });

  it('no SNI: servername \'\' and a bare IP host', () => {
    for (const bytes of [noSni, ipOnly]) {
      const { value } = parsed(parseClientHello(bytes));
      assert.equal(value.sni, undefined);
      assert.deepEqual(value.alpn, []);
    }
  });

  it('every strict prefix needs more, and says how much up to the record it is in', () => {
    for (let n = 0; n < real.length; n++) {
      const r = parseClientHello(real.subarray(0, n));
      assert.equal(r.status, 'need-more', `prefix ${n}: ${JSON.stringify(r)}`);
      const need = (r as { need?: number }).need;
      assert.ok(need !== undefined && need > n && need <= real.length, `prefix ${n}: need ${need}`);
    }
  });

  it('bytes after the hello (the client\'s next record) are not consumed', () => {
    const next = records(Buffer.from('early'), { type: 23, version: 0x0303 });
    assert.equal(parsed(parseClientHello(cat(real, next))).consumed, real.length);
  });

  it('split into two records: same hello, consumed covers both', () => {
    const hs = unframe(real);
    const two = records(hs, { sizes: [Math.floor(hs.length / 2)], version: 0x0303 });
    const { value, consumed } = parsed(parseClientHello(two));
    assert.deepEqual(value, parsed(parseClientHello(real)).value);
    assert.equal(consumed, real.length + 5);
    // Every prefix of the two-record form, too, needs more.
    for (let n = 0; n < two.length; n++) assert.equal(parseClientHello(two.subarray(0, n)).status, 'need-more', `prefix ${n}`);
  });

  it('split anywhere, into any number of records: same hello', () => {
    const hs = unframe(real);
    const expected = parsed(parseClientHello(real)).value;
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: hs.length }), { maxLength: 12 }), (sizes) => {
      const buf = records(hs, { sizes });
      const { value, consumed } = parsed(parseClientHello(buf));
      assert.deepEqual(value, expected);
      assert.equal(consumed, buf.length);
    }));
  });

  it('one-byte records: still parsed, in linear work', () => {
    const hs = unframe(real);
    const buf = records(hs, { sizes: new Array<number>(hs.length).fill(1) });
    assert.deepEqual(parsed(parseClientHello(buf, { maxBytes: buf.length })).value, parsed(parseClientHello(real)).value);
  });

  it('maxBytes bounds the records: exactly at the limit parses, one byte under is too large', () => {
    assert.equal(parseClientHello(real, { maxBytes: real.length }).status, 'parsed');
    expectInvalid(real, 'too-large', { maxBytes: real.length - 1 });
    // Decided from the record header, without waiting for the body.
    expectInvalid(real.subarray(0, 5), 'too-large', { maxBytes: real.length - 1 });
  });

  it('fuzz: mutations and truncations of the real hello never throw', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      fc.nat(),
      fc.option(fc.integer({ min: 0, max: 20000 }), { nil: undefined }),
      (edits, cut, maxBytes) => {
        const buf = Buffer.from(real);
        for (const [i, b] of edits) buf[i % buf.length] = b;
        checkInvariants(buf.subarray(0, cut % (buf.length + 1)), { maxBytes });
      },
    ), { numRuns: 2000 });
  });

  it('fuzz: mutations of a two-record hello never throw', () => {
    const two = records(unframe(real), { sizes: [40] });
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
      const buf = Buffer.from(two);
      for (const [i, b] of edits) buf[i % buf.length] = b;
      checkInvariants(buf);
    }), { numRuns: 1000 });
  });
});

describe('ClientHello: hand-built hellos that parse', () => {
  const cases: Array<{ name: string; buf: Buffer; expected: Partial<ClientHello> }> = [
    { name: 'the default spec', buf: hello(), expected: { version: 0x0303, sni: 'example.com', alpn: ['h2', 'http/1.1'], supportedVersions: [0x0304, 0x0303] } },
    { name: 'SNI is lower-cased', buf: hello({ extensions: [sniExt('API.Example.COM')] }), expected: { sni: 'api.example.com', alpn: [], supportedVersions: [] } },
    { name: 'a 255-byte SNI', buf: hello({ extensions: [sniExt('a'.repeat(255))] }), expected: { sni: 'a'.repeat(255) } },
    { name: 'no extensions block (TLS 1.2 syntax)', buf: hello({ extensions: null }), expected: { sni: undefined, alpn: [], supportedVersions: [] } },
    { name: 'an empty extensions block', buf: hello({ extensions: [] }), expected: { sni: undefined, alpn: [], supportedVersions: [] } },
    { name: 'record version 0x0300 with a TLS 1.0 hello (RFC 5246 E.1)', buf: hello({ version: 0x0301 }, { version: 0x0300 }), expected: { version: 0x0301 } },
    { name: 'record version 0x0304', buf: hello({}, { version: 0x0304 }), expected: { sni: 'example.com' } },
    { name: 'GREASE and unknown extensions are skipped, GREASE versions kept', buf: hello({ extensions: [ext(0x0a0a, Buffer.alloc(0)), versionsExt(0x1a1a, 0x0304), ext(0xfafa, u8(0))] }), expected: { supportedVersions: [0x1a1a, 0x0304] } },
    { name: 'a server_name list of an unknown name type only', buf: hello({ extensions: [ext(0, vec16(sniEntry('x', 7)))] }), expected: { sni: undefined } },
    { name: 'an unknown name type beside host_name', buf: hello({ extensions: [ext(0, vec16(cat(sniEntry('x', 7), sniEntry('Host.example'))))] }), expected: { sni: 'host.example' } },
    { name: 'an empty session id', buf: hello({ sessionId: Buffer.alloc(0) }), expected: { sni: 'example.com' } },
    { name: 'ALPN order is kept', buf: hello({ extensions: [alpnExt('http/1.1', 'h2', 'spdy/3')] }), expected: { alpn: ['http/1.1', 'h2', 'spdy/3'] } },
  ];
  for (const c of cases) {
    it(`parses: ${c.name}`, () => {
      const { value, consumed } = parsed(parseClientHello(c.buf));
      assert.equal(consumed, c.buf.length);
      for (const [k, v] of Object.entries(c.expected)) assert.deepEqual(value[k as keyof ClientHello], v, k);
    });
  }
});

describe('ClientHello: rejections', () => {
  const rec = (...bytes: number[]): Buffer => Buffer.from(bytes);
  const hs = handshake(helloBody());
  const cases: Array<{ name: string; buf: Buffer; reason: string; limits?: ClientHelloLimits }> = [
    // not TLS at all, decided from the first byte
    { name: 'an HTTP request line', buf: ascii('GET / HTTP/1.1\r\n'), reason: 'not-tls' },
    { name: 'one byte, "G"', buf: ascii('G'), reason: 'not-tls' },
    { name: 'one byte, application data', buf: rec(23), reason: 'not-tls' },
    { name: 'an alert record', buf: records(rec(2, 40), { type: 21 }), reason: 'not-tls' },
    { name: 'record version major 2', buf: rec(22, 2), reason: 'not-tls' },
    { name: 'record version 0xfefd (DTLS)', buf: rec(22, 0xfe, 0xfd), reason: 'not-tls' },
    // old or unknown protocols
    { name: 'SSLv2-compatible hello, 1 byte', buf: rec(0x80), reason: 'unsupported' },
    { name: 'SSLv2-compatible hello', buf: rec(0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15), reason: 'unsupported' },
    { name: 'record version 0x0305', buf: rec(22, 3, 5), reason: 'unsupported' },
    { name: 'SSLv3 hello (legacy_version 0x0300)', buf: hello({ version: 0x0300 }, { version: 0x0300 }), reason: 'unsupported' },
    { name: 'SSLv3 hello, decided from its first 11 bytes', buf: hello({ version: 0x0300 }).subarray(0, 11), reason: 'unsupported' },
    { name: 'legacy_version 0x0200', buf: hello({ version: 0x0200 }), reason: 'unsupported' },
    // another handshake message
    { name: 'a ServerHello', buf: records(handshake(helloBody(), 2)), reason: 'not-client-hello' },
    { name: 'a ServerHello, decided from its first byte', buf: records(handshake(helloBody(), 2)).subarray(0, 6), reason: 'not-client-hello' },
    // record layer
    { name: 'a zero-length record', buf: rec(22, 3, 1, 0, 0), reason: 'malformed' },
    { name: 'a record over 2^14', buf: rec(22, 3, 1, 0x40, 0x01), reason: 'malformed', limits: { maxBytes: 1 << 20 } },
    { name: 'an alert between two fragments', buf: cat(records(hs.subarray(0, 10)), records(rec(2, 40), { type: 21 })), reason: 'malformed' },
    { name: 'a bad version on the second record', buf: cat(records(hs.subarray(0, 10)), records(hs.subarray(10), { version: 0x0201 })), reason: 'malformed' },
    { name: 'an empty second record', buf: cat(records(hs.subarray(0, 10)), rec(22, 3, 1, 0, 0)), reason: 'malformed' },
    { name: 'bytes after the hello in its record', buf: records(cat(hs, rec(0))), reason: 'malformed' },
    { name: 'a second handshake message in the hello\'s record', buf: records(cat(hs, hs)), reason: 'malformed' },
    // overrunning or inconsistent lengths in the body
    { name: 'a body too short for the random', buf: records(handshake(cat(u16(0x0303), Buffer.alloc(20)))), reason: 'malformed' },
    { name: 'a 33-byte session id', buf: hello({ sessionId: Buffer.alloc(33) }), reason: 'malformed' },
    { name: 'a session id overrunning the message', buf: records(handshake(cat(u16(0x0303), Buffer.alloc(32), u8(10), Buffer.alloc(3)))), reason: 'malformed' },
    { name: 'odd cipher_suites length', buf: hello({ suites: vec16(rec(0x13, 0x01, 0x13)) }), reason: 'malformed' },
    { name: 'empty cipher_suites', buf: hello({ suites: vec16(Buffer.alloc(0)) }), reason: 'malformed' },
    { name: 'cipher_suites overrunning', buf: hello({ suites: cat(u16(0x1000), u16(0x1301)), extensions: null }), reason: 'malformed' },
    { name: 'empty compression_methods', buf: hello({ compression: vec8(Buffer.alloc(0)) }), reason: 'malformed' },
    { name: 'compression_methods overrunning', buf: hello({ compression: u8(5), extensions: null }), reason: 'malformed' },
    { name: 'one stray byte where extensions start', buf: hello({ extBlock: u8(0) }), reason: 'malformed' },
    { name: 'extensions length overrunning', buf: hello({ extBlock: cat(u16(100), sniExt('a.b')) }), reason: 'malformed' },
    { name: 'extensions length short of the message end', buf: hello({ extBlock: cat(u16(2), sniExt('a.b')) }), reason: 'malformed' },
    { name: 'a truncated extension header', buf: hello({ extBlock: vec16(rec(0, 0, 0)) }), reason: 'malformed' },
    { name: 'extension data overrunning', buf: hello({ extBlock: vec16(cat(u16(0x1234), u16(9), rec(1, 2))) }), reason: 'malformed' },
    { name: 'server_name list overrunning', buf: hello({ extensions: [ext(0, cat(u16(50), sniEntry('a.b')))] }), reason: 'malformed' },
    { name: 'server_name list short of its extension', buf: hello({ extensions: [ext(0, cat(vec16(sniEntry('a.b')), u8(0)))] }), reason: 'malformed' },
    { name: 'server_name entry overrunning', buf: hello({ extensions: [ext(0, vec16(cat(u8(0), u16(40), ascii('a.b'))))] }), reason: 'malformed' },
    { name: 'server_name entry cut after its type', buf: hello({ extensions: [ext(0, vec16(cat(sniEntry('a.b'), u8(0))))] }), reason: 'malformed' },
    { name: 'empty server_name list', buf: hello({ extensions: [ext(0, vec16(Buffer.alloc(0)))] }), reason: 'malformed' },
    { name: 'empty server_name extension', buf: hello({ extensions: [ext(0, Buffer.alloc(0))] }), reason: 'malformed' },
    { name: 'empty ALPN list', buf: hello({ extensions: [ext(16, vec16(Buffer.alloc(0)))] }), reason: 'malformed' },
    { name: 'an empty ALPN name', buf: hello({ extensions: [alpnExt('h2', '')] }), reason: 'malformed' },
    { name: 'ALPN name overrunning', buf: hello({ extensions: [ext(16, vec16(cat(u8(9), ascii('h2'))))] }), reason: 'malformed' },
    { name: 'ALPN list overrunning', buf: hello({ extensions: [ext(16, cat(u16(30), vec8(ascii('h2'))))] }), reason: 'malformed' },
    { name: 'odd supported_versions length', buf: hello({ extensions: [ext(43, vec8(rec(3, 4, 3)))] }), reason: 'malformed' },
    { name: 'empty supported_versions', buf: hello({ extensions: [ext(43, vec8(Buffer.alloc(0)))] }), reason: 'malformed' },
    { name: 'supported_versions overrunning', buf: hello({ extensions: [ext(43, cat(u8(8), u16(0x0304)))] }), reason: 'malformed' },
    // duplicates
    { name: 'two ALPN extensions', buf: hello({ extensions: [alpnExt('h2'), alpnExt('http/1.1')] }), reason: 'duplicate-extension' },
    { name: 'two server_name extensions', buf: hello({ extensions: [sniExt('a.b'), versionsExt(0x0304), sniExt('c.d')] }), reason: 'duplicate-extension' },
    { name: 'two unknown extensions of one type', buf: hello({ extensions: [ext(0x0a0a, Buffer.alloc(0)), ext(0x0a0a, u8(1))] }), reason: 'duplicate-extension' },
    // SNI contents
    { name: 'non-ASCII SNI', buf: hello({ extensions: [sniExt(Buffer.from('exämple.com', 'utf8'))] }), reason: 'bad-sni' },
    { name: 'empty SNI', buf: hello({ extensions: [sniExt('')] }), reason: 'bad-sni' },
    { name: '256-byte SNI', buf: hello({ extensions: [sniExt('a'.repeat(256))] }), reason: 'bad-sni' },
    { name: 'NUL inside SNI', buf: hello({ extensions: [sniExt('good.com\0evil.com')] }), reason: 'bad-sni' },
    { name: 'space in SNI', buf: hello({ extensions: [sniExt('a b')] }), reason: 'bad-sni' },
    { name: 'two host_names', buf: hello({ extensions: [sniExt('a.b', 'c.d')] }), reason: 'bad-sni' },
    // bounds
    { name: 'a 2^24-1 handshake length, from 9 bytes', buf: cat(rec(22, 3, 1, 0x40, 0x00), u8(1), u24(0xffffff)), reason: 'too-large' },
    { name: 'a full 2^14 record with the default 16 KiB limit', buf: rec(22, 3, 1, 0x40, 0x00), reason: 'too-large' },
    { name: 'a hello over maxBytes, from its header', buf: hello().subarray(0, 9), reason: 'too-large', limits: { maxBytes: 50 } },
    { name: 'a hello whose second record cannot fit', buf: records(hs, { sizes: [hs.length - 1] }), reason: 'too-large', limits: { maxBytes: hs.length + 5 + 5 - 1 } },
  ];
  for (const c of cases) it(`rejects ${c.name}: ${c.reason}`, () => expectInvalid(c.buf, c.reason, c.limits));

  it('every reason is produced by some case above', () => {
    assert.deepEqual(new Set(cases.map((c) => c.reason)), new Set(TLS_INVALID_REASONS));
  });

  it('the same two-record hello fits when the limit allows its extra header', () => {
    assert.equal(parseClientHello(records(hs, { sizes: [hs.length - 1] }), { maxBytes: hs.length + 5 + 5 }).status, 'parsed');
  });

  it('the default limit is 16 KiB', () => {
    assert.equal(TLS_HELLO_DEFAULT_MAX_BYTES, 16384);
  });
});

describe('ClientHello: need-more', () => {
  it('an empty buffer needs a record header', () => {
    assert.deepEqual(parseClientHello(Buffer.alloc(0)), { status: 'need-more', need: 5 });
  });

  it('a hello whose second record has not arrived needs its header', () => {
    const hs = handshake(helloBody());
    const first = records(hs, { sizes: [30] }).subarray(0, 35);
    assert.deepEqual(parseClientHello(first), { status: 'need-more', need: 40 });
  });

  it('every prefix of a hand-built three-record hello needs more', () => {
    const buf = hello({}, { sizes: [2, 5] });
    for (let n = 0; n < buf.length; n++) assert.equal(parseClientHello(buf.subarray(0, n)).status, 'need-more', `prefix ${n}`);
    assert.equal(parsed(parseClientHello(buf)).consumed, buf.length);
  });
});

describe('ClientHello: fuzz', () => {
  const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));

  it('random bytes never throw', () => {
    fc.assert(fc.property(bytes(600), (buf) => { checkInvariants(buf); }), { numRuns: 3000 });
  });

  it('random bytes behind a handshake record header never throw', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4 }), bytes(400), (minor, body) => {
      const buf = cat(Buffer.from([22, 3, minor]), u16(body.length), body);
      checkInvariants(buf);
      checkInvariants(buf.subarray(0, buf.length - 1));
    }), { numRuns: 3000 });
  });

  it('random extension blocks in a well-framed hello never throw', () => {
    fc.assert(fc.property(bytes(300), fc.boolean(), (block, framed) => {
      checkInvariants(hello({ extBlock: framed ? vec16(block) : block }));
    }), { numRuns: 3000 });
  });

  it('random extension lists never throw, and a parsed one never repeats a type', () => {
    const extArb = fc.record({ type: fc.constantFrom(0, 16, 43, 0x0a0a, 0xff01), data: bytes(20) });
    fc.assert(fc.property(fc.array(extArb, { maxLength: 6 }), (exts) => {
      const r = checkInvariants(hello({ extensions: exts.map((e) => ext(e.type, e.data)) }));
      const types = exts.map((e) => e.type);
      if (r.status === 'parsed') assert.equal(new Set(types).size, types.length);
    }), { numRuns: 2000 });
  });
});
