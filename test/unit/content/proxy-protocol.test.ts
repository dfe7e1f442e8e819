import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fc from 'fast-check';
import {
  type ProxyHeader, type ProxyParseOptions, PROXY_INVALID_REASONS, formatIPv6, parseProxyHeader,
} from '../../../src/content/proxy-protocol.js';
import type { ParseResult } from '../../../src/content/parse-result.js';

// ---- a test-side v2 encoder ----

const SIG = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
const FAM = { unspec: 0x00, tcp4: 0x11, udp4: 0x12, tcp6: 0x21, udp6: 0x22, unixStream: 0x31, unixDgram: 0x32 } as const;

interface V2Spec {
  verCmd?: number; // default 0x21 (v2 PROXY)
  fam: number;
  source?: { address: string; port: number };
  destination?: { address: string; port: number };
  tlvs?: Array<{ type: number; value: Buffer }>;
  /** Raw bytes instead of the address block built from source/destination. */
  block?: Buffer;
  /** Raw bytes appended after the TLVs, inside the header. */
  trailer?: Buffer;
  /** Overrides the length field. */
  length?: number;
}

function ipv4Bytes(a: string): Buffer {
  return Buffer.from(a.split('.').map(Number));
}

function ipv6Bytes(a: string): Buffer {
  const words = (part: string): number[] => (part === '' ? [] : part.split(':').flatMap((g) => {
    if (!g.includes('.')) return [parseInt(g, 16)];
    const b = ipv4Bytes(g);
    return [b.readUInt16BE(0), b.readUInt16BE(2)];
  }));
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = words(head);
  const t = tail === undefined ? [] : words(tail);
  const all = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, 2 * i));
  return out;
}

function unixBytes(path: string): Buffer {
  const out = Buffer.alloc(108);
  Buffer.from(path, 'utf8').copy(out);
  return out;
}

function port(p: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(p);
  return b;
}

function addressBlock(s: V2Spec): Buffer {
  if (s.block) return s.block;
  if (!s.source || !s.destination) return Buffer.alloc(0);
  switch (s.fam >> 4) {
    case 1: return Buffer.concat([ipv4Bytes(s.source.address), ipv4Bytes(s.destination.address), port(s.source.port), port(s.destination.port)]);
    case 2: return Buffer.concat([ipv6Bytes(s.source.address), ipv6Bytes(s.destination.address), port(s.source.port), port(s.destination.port)]);
    case 3: return Buffer.concat([unixBytes(s.source.address), unixBytes(s.destination.address)]);
    default: return Buffer.alloc(0);
  }
}

function encodeV2(s: V2Spec): Buffer {
  const tlvs = (s.tlvs ?? []).map((t) => Buffer.concat([Buffer.from([t.type]), port(t.value.length), t.value]));
  const body = Buffer.concat([addressBlock(s), ...tlvs, s.trailer ?? Buffer.alloc(0)]);
  return Buffer.concat([SIG, Buffer.from([s.verCmd ?? 0x21, s.fam]), port(s.length ?? body.length), body]);
}

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
const FFFF6 = new Array(8).fill('ffff').join(':');

function parsed(r: ParseResult<ProxyHeader>): { value: ProxyHeader; consumed: number } {
  assert.equal(r.status, 'parsed', JSON.stringify(r));
  return r as { value: ProxyHeader; consumed: number };
}

// Every invalid reason some test below produced, to check the list is covered.
const seenReasons = new Set<string>();
function expectInvalid(buf: Buffer, reason: string, options?: ProxyParseOptions): void {
  const r = parseProxyHeader(buf, options);
  assert.deepEqual(r, { status: 'invalid', reason }, JSON.stringify(buf.toString('latin1')));
  seenReasons.add(reason);
}

function expectPrefixesNeedMore(header: Buffer, options?: ProxyParseOptions): void {
  for (let n = 0; n < header.length; n++) {
    const r = parseProxyHeader(header.subarray(0, n), options);
    assert.equal(r.status, 'need-more', `prefix of ${n} bytes: ${JSON.stringify(r)}`);
    if (r.status === 'need-more' && r.need !== undefined) assert.ok(r.need > n && r.need <= header.length);
  }
}

// ---- v1 ----

describe('PROXY v1', () => {
  const ok = [
    {
      name: 'spec TCP4 example', line: 'PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n',
      family: 'tcp4', source: { address: '192.168.0.1', port: 56324 }, destination: { address: '192.168.0.11', port: 443 },
    },
    {
      name: 'longest TCP4 (56 bytes)', line: 'PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n',
      family: 'tcp4', source: { address: '255.255.255.255', port: 65535 }, destination: { address: '255.255.255.255', port: 65535 },
    },
    {
      name: 'ports 0, address 0.0.0.0', line: 'PROXY TCP4 0.0.0.0 10.0.0.1 0 0\r\n',
      family: 'tcp4', source: { address: '0.0.0.0', port: 0 }, destination: { address: '10.0.0.1', port: 0 },
    },
    {
      name: 'longest TCP6 (104 bytes)', line: `PROXY TCP6 ${FFFF6} ${FFFF6} 65535 65535\r\n`,
      family: 'tcp6', source: { address: FFFF6, port: 65535 }, destination: { address: FFFF6, port: 65535 },
    },
    {
      name: 'TCP6 normalized as Node prints it', line: 'PROXY TCP6 2001:DB8:0:0:0:0:0:1 ::FFFF:192.0.2.1 4000 443\r\n',
      family: 'tcp6', source: { address: '2001:db8::1', port: 4000 }, destination: { address: '::ffff:192.0.2.1', port: 443 },
    },
    { name: 'UNKNOWN alone', line: 'PROXY UNKNOWN\r\n', family: 'unknown' },
    { name: 'UNKNOWN, rest ignored (107 bytes)', line: `PROXY UNKNOWN ${FFFF6} ${FFFF6} 65535 65535\r\n`, family: 'unknown' },
    { name: 'UNKNOWN, junk ignored', line: 'PROXY UNKNOWN whatever \x01 not an address\r\n', family: 'unknown' },
  ];
  for (const c of ok) {
    it(`parses: ${c.name}`, () => {
      const buf = ascii(c.line);
      const { value, consumed } = parsed(parseProxyHeader(buf));
      assert.equal(consumed, buf.length);
      assert.deepEqual(value, {
        version: 1, command: 'proxy', family: c.family,
        ...(c.source ? { source: c.source, destination: c.destination } : {}), tlvs: [],
      });
      expectPrefixesNeedMore(buf);
    });
  }

  it('the 107-byte UNKNOWN line is at the limit, one more byte is too long', () => {
    assert.equal(ascii(ok[6]!.line).length, 107);
    expectInvalid(ascii(`PROXY UNKNOWN ${FFFF6} ${FFFF6} 65535 655350\r\n`), 'v1-too-long');
  });

  const bad = [
    { line: 'PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n', reason: 'v1-malformed' },
    { line: 'PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n', reason: 'v1-malformed' },
    { line: 'PROXY UNKNOWNX\r\n', reason: 'v1-malformed' },
    { line: 'PROXY \r\n', reason: 'v1-malformed' },
    { line: 'PROXY TCP4\r\n', reason: 'v1-malformed' },
    { line: 'PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n', reason: 'v1-malformed' },
    { line: 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n', reason: 'v1-malformed' },
    { line: 'PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n', reason: 'v1-malformed' },
    { line: 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n', reason: 'v1-malformed' },
    { line: 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n', reason: 'v1-malformed' },
    { line: 'PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n', reason: 'v1-malformed' },
    { line: 'PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n', reason: 'v1-bad-address' },
    { line: 'PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n', reason: 'v1-bad-address' },
    { line: 'PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n', reason: 'v1-bad-address' },
    { line: 'PROXY TCP4 1.2.3.4.5 5.6.7.8 1 2\r\n', reason: 'v1-bad-address' },
    { line: 'PROXY TCP4 1.2.3.4 ::1 1 2\r\n', reason: 'v1-bad-address' },
    { line: 'PROXY TCP6 1.2.3.4 ::1 1 2\r\n', reason: 'v1-bad-address' },
    { line: 'PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n', reason: 'v1-bad-address' },
    { line: 'PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n', reason: 'v1-bad-address' },
    { line: 'PROXY TCP6 ::1::2 ::1 1 2\r\n', reason: 'v1-bad-address' },
    { line: 'PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n', reason: 'v1-bad-port' },
    { line: 'PROXY TCP4 1.2.3.4 5.6.7.8 080 2\r\n', reason: 'v1-bad-port' },
    { line: 'PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n', reason: 'v1-bad-port' },
    { line: 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX\n', reason: 'v1-malformed' },
    { line: 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX\r\n', reason: 'v1-bad-port' },
    { line: `PROXY UNKNOWN ${'x'.repeat(92)}\r\n`, reason: 'v1-too-long' },
    { line: `PROXY UNKNOWN ${'x'.repeat(200)}`, reason: 'v1-too-long' },
    { line: `PROXY UNKNOWN ${'x'.repeat(92)}\r`, reason: 'v1-too-long' },
  ];
  for (const { line, reason } of bad) {
    it(`rejects ${JSON.stringify(line.length > 60 ? `${line.slice(0, 57)}...` : line)}: ${reason}`, () => expectInvalid(ascii(line), reason));
  }

  // Decided before the CRLF arrives, as soon as no completion can be valid.
  const early = [
    { bytes: 'PROXY X', reason: 'v1-malformed' },
    { bytes: 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2 ', reason: 'v1-malformed' },
    { bytes: 'PROXY TCP4 1.2.3.400', reason: 'v1-bad-address' },
    { bytes: 'PROXY TCP4 1.2.3.4 05', reason: 'v1-bad-address' },
    { bytes: 'PROXY TCP6 ::1::', reason: 'v1-bad-address' },
    { bytes: 'PROXY TCP6 1:2:3:4:5:6:7:8:', reason: 'v1-bad-address' },
    { bytes: 'PROXY TCP6 ::ffff:1.2.3.4.', reason: 'v1-bad-address' },
    { bytes: 'PROXY TCP4 1.2.3.4 5.6.7.8 99999', reason: 'v1-bad-port' },
    { bytes: 'PROXY TCP4 1.2.3.4 5.6.7.8 0', reason: undefined },
    { bytes: 'PROXY TCP4 1.2.3.4 5.6.7.8 00', reason: 'v1-bad-port' },
    { bytes: 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r', reason: undefined },
    { bytes: 'PROXY TCP6 2001:db8::ffff:1.2.', reason: undefined },
    { bytes: 'PROXY UNKNOWN', reason: undefined },
    { bytes: 'PROXY UNKNOWN anything', reason: undefined },
  ];
  for (const { bytes, reason } of early) {
    it(`early: ${JSON.stringify(bytes)} -> ${reason ?? 'need-more'}`, () => {
      if (reason) expectInvalid(ascii(bytes), reason);
      else assert.equal(parseProxyHeader(ascii(bytes)).status, 'need-more');
    });
  }

  it('a trailing CR asks for exactly one more byte', () => {
    assert.deepEqual(parseProxyHeader(ascii('PROXY UNKNOWN\r')), { status: 'need-more', need: 15 });
  });
});

// ---- v2 ----

describe('PROXY v2', () => {
  const tlvs = [
    { type: 0x01, value: ascii('h2') }, // ALPN
    { type: 0x02, value: ascii('example.com') }, // AUTHORITY
    { type: 0x04, value: Buffer.alloc(0) }, // NOOP, empty
    { type: 0xe0, value: Buffer.alloc(300, 7) }, // custom, > 255 bytes
  ];
  const ok: Array<{ name: string; spec: V2Spec; expected: ProxyHeader }> = [
    {
      name: 'PROXY tcp4 with TLVs',
      spec: { fam: FAM.tcp4, source: { address: '192.0.2.10', port: 51000 }, destination: { address: '198.51.100.1', port: 443 }, tlvs },
      expected: { version: 2, command: 'proxy', family: 'tcp4', source: { address: '192.0.2.10', port: 51000 }, destination: { address: '198.51.100.1', port: 443 }, tlvs },
    },
    {
      name: 'PROXY tcp6 with a TLV',
      spec: { fam: FAM.tcp6, source: { address: '2001:db8::10', port: 1 }, destination: { address: '::ffff:192.0.2.1', port: 65535 }, tlvs: tlvs.slice(0, 1) },
      expected: { version: 2, command: 'proxy', family: 'tcp6', source: { address: '2001:db8::10', port: 1 }, destination: { address: '::ffff:192.0.2.1', port: 65535 }, tlvs: tlvs.slice(0, 1) },
    },
    {
      name: 'PROXY udp4',
      spec: { fam: FAM.udp4, source: { address: '10.0.0.1', port: 53 }, destination: { address: '10.0.0.2', port: 5353 } },
      expected: { version: 2, command: 'proxy', family: 'udp4', source: { address: '10.0.0.1', port: 53 }, destination: { address: '10.0.0.2', port: 5353 }, tlvs: [] },
    },
    {
      name: 'PROXY udp6, all zeros',
      spec: { fam: FAM.udp6, source: { address: '::', port: 0 }, destination: { address: '::1', port: 0 } },
      expected: { version: 2, command: 'proxy', family: 'udp6', source: { address: '::', port: 0 }, destination: { address: '::1', port: 0 }, tlvs: [] },
    },
    {
      name: 'PROXY unix stream',
      spec: { fam: FAM.unixStream, source: { address: '/run/client.sock', port: 0 }, destination: { address: '/run/portplex.sock', port: 0 }, tlvs: tlvs.slice(1, 2) },
      expected: { version: 2, command: 'proxy', family: 'unix', source: { address: '/run/client.sock', port: 0 }, destination: { address: '/run/portplex.sock', port: 0 }, tlvs: tlvs.slice(1, 2) },
    },
    {
      name: 'PROXY unix dgram, full 108-byte path without NUL',
      spec: { fam: FAM.unixDgram, source: { address: 'a'.repeat(108), port: 0 }, destination: { address: '', port: 0 } },
      expected: { version: 2, command: 'proxy', family: 'unix', source: { address: 'a'.repeat(108), port: 0 }, destination: { address: '', port: 0 }, tlvs: [] },
    },
    {
      name: 'LOCAL, UNSPEC, empty',
      spec: { verCmd: 0x20, fam: FAM.unspec },
      expected: { version: 2, command: 'local', family: 'unknown', tlvs: [] },
    },
    {
      name: 'LOCAL with a tcp4 block: block and TLVs discarded',
      spec: { verCmd: 0x20, fam: FAM.tcp4, source: { address: '1.2.3.4', port: 1 }, destination: { address: '5.6.7.8', port: 2 }, tlvs },
      expected: { version: 2, command: 'local', family: 'tcp4', tlvs: [] },
    },
    {
      name: 'LOCAL with a short, garbage block: ignored',
      spec: { verCmd: 0x20, fam: FAM.tcp6, block: Buffer.from([1, 2, 3]) },
      expected: { version: 2, command: 'local', family: 'tcp6', tlvs: [] },
    },
    {
      name: 'PROXY UNSPEC: address information ignored',
      spec: { fam: FAM.unspec, block: Buffer.from([9, 9, 9, 9, 9]) },
      expected: { version: 2, command: 'proxy', family: 'unknown', tlvs: [] },
    },
  ];
  for (const { name, spec, expected } of ok) {
    it(`parses: ${name}`, () => {
      const buf = encodeV2(spec);
      const { value, consumed } = parsed(parseProxyHeader(buf));
      assert.equal(consumed, buf.length);
      assert.deepEqual(value, expected);
      expectPrefixesNeedMore(buf);
    });
  }

  const tcp4 = { fam: FAM.tcp4, source: { address: '1.2.3.4', port: 1 }, destination: { address: '5.6.7.8', port: 2 } };
  const bad: Array<{ name: string; buf: Buffer; reason: string; options?: ProxyParseOptions }> = [
    { name: 'version 1', buf: encodeV2({ ...tcp4, verCmd: 0x11 }), reason: 'v2-bad-version' },
    { name: 'version 3', buf: encodeV2({ ...tcp4, verCmd: 0x31 }), reason: 'v2-bad-version' },
    { name: 'command 2', buf: encodeV2({ ...tcp4, verCmd: 0x22 }), reason: 'v2-bad-command' },
    { name: 'command 15', buf: encodeV2({ ...tcp4, verCmd: 0x2f }), reason: 'v2-bad-command' },
    { name: 'family 4', buf: encodeV2({ ...tcp4, fam: 0x41 }), reason: 'v2-bad-family' },
    { name: 'protocol 3', buf: encodeV2({ ...tcp4, fam: 0x13 }), reason: 'v2-bad-family' },
    { name: 'INET with UNSPEC protocol', buf: encodeV2({ ...tcp4, fam: 0x10 }), reason: 'v2-bad-family' },
    { name: 'UNSPEC with STREAM protocol', buf: encodeV2({ fam: 0x01 }), reason: 'v2-bad-family' },
    { name: 'length past the default 4096', buf: encodeV2({ ...tcp4, tlvs: [{ type: 0xe0, value: Buffer.alloc(4069) }] }), reason: 'v2-too-large' },
    { name: 'length past maxBytes 64', buf: encodeV2({ ...tcp4, tlvs: [{ type: 0xe0, value: Buffer.alloc(37) }] }), reason: 'v2-too-large', options: { maxBytes: 64 } },
    { name: 'tcp4 block of 11 bytes', buf: encodeV2({ fam: FAM.tcp4, block: Buffer.alloc(11) }), reason: 'v2-bad-length' },
    { name: 'tcp6 given a tcp4 block', buf: encodeV2({ fam: FAM.tcp6, block: Buffer.alloc(12) }), reason: 'v2-bad-length' },
    { name: 'unix block of 215 bytes', buf: encodeV2({ fam: FAM.unixStream, block: Buffer.alloc(215) }), reason: 'v2-bad-length' },
    { name: 'two stray bytes after the block', buf: encodeV2({ ...tcp4, trailer: Buffer.from([1, 0]) }), reason: 'v2-bad-tlv' },
    { name: 'TLV longer than the header', buf: encodeV2({ ...tcp4, trailer: Buffer.from([1, 0, 5, 0xaa]) }), reason: 'v2-bad-tlv' },
    { name: 'TLVs then stray byte', buf: encodeV2({ ...tcp4, tlvs, trailer: Buffer.from([1]) }), reason: 'v2-bad-tlv' },
  ];
  for (const { name, buf, reason, options } of bad) {
    it(`rejects ${name}: ${reason}`, () => expectInvalid(buf, reason, options));
  }

  it('exactly maxBytes is accepted', () => {
    const buf = encodeV2({ ...tcp4, tlvs: [{ type: 0xe0, value: Buffer.alloc(33) }] });
    assert.equal(buf.length, 64);
    assert.equal(parseProxyHeader(buf, { maxBytes: 64 }).status, 'parsed');
  });

  it('decides from the fixed part, without waiting for the rest', () => {
    const head = (verCmd: number, fam: number, len: number): Buffer => encodeV2({ verCmd, fam, length: len, block: Buffer.alloc(0) });
    expectInvalid(head(0x11, 0x11, 12).subarray(0, 13), 'v2-bad-version');
    expectInvalid(head(0x23, 0x11, 12).subarray(0, 13), 'v2-bad-command');
    expectInvalid(head(0x21, 0x44, 12).subarray(0, 14), 'v2-bad-family');
    expectInvalid(head(0x21, 0x11, 65535), 'v2-too-large');
    expectInvalid(head(0x21, 0x21, 12), 'v2-bad-length');
    assert.deepEqual(parseProxyHeader(head(0x21, 0x11, 100)), { status: 'need-more', need: 116 });
    assert.deepEqual(parseProxyHeader(SIG), { status: 'need-more', need: 16 });
  });

  it('TLV values are copies, not views into the input nor slices of a shared pool', () => {
    const buf = encodeV2({ ...tcp4, tlvs: [{ type: 1, value: ascii('h2') }] });
    const { value } = parsed(parseProxyHeader(buf));
    const tlv = value.tlvs[0]!;
    assert.notEqual(tlv.value.buffer, buf.buffer);
    assert.equal(tlv.value.buffer.byteLength, 2);
    buf.fill(0);
    assert.deepEqual(tlv.value, ascii('h2'));
  });
});

// ---- both ----

describe('PROXY header: detection, payload, accepted versions', () => {
  const v1 = ascii('PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n');
  const v2 = encodeV2({ fam: FAM.tcp4, source: { address: '1.2.3.4', port: 1 }, destination: { address: '5.6.7.8', port: 2 } });

  for (const [name, bytes] of [
    ['HTTP', 'GET / HTTP/1.1\r\n'], ['POST', 'POST / HTTP/1.1\r\n'], ['TLS', '\x16\x03\x01\x02\x00'], ['SSH', 'SSH-2.0-x\r\n'],
    ['one wrong byte', 'Q'], ['PROXY without space', 'PROXY\r\n'], ['proxy lower case', 'proxy TCP4'],
    ['CRLF CRLF then junk', '\r\n\r\nGET'], ['v2 signature off by its last byte', '\r\n\r\n\0\r\nQUIT\r'],
  ] as const) {
    it(`not a PROXY header: ${name}`, () => expectInvalid(ascii(bytes), 'not-proxy'));
  }

  it('an empty buffer needs more', () => {
    assert.equal(parseProxyHeader(Buffer.alloc(0)).status, 'need-more');
  });

  for (const [name, header] of [['v1', v1], ['v2', v2]] as const) {
    it(`${name}: header + payload consumes exactly the header`, () => {
      const payload = ascii('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      const { consumed } = parsed(parseProxyHeader(Buffer.concat([header, payload])));
      assert.equal(consumed, header.length);
      // A payload that itself looks like a header changes nothing.
      assert.equal(parsed(parseProxyHeader(Buffer.concat([header, header]))).consumed, header.length);
    });
  }

  it('accept {v1:false} rejects v1 once its prefix is complete, still parses v2', () => {
    expectInvalid(v1, 'v1-not-accepted', { v1: false });
    expectInvalid(ascii('PROXY '), 'v1-not-accepted', { v1: false });
    assert.equal(parseProxyHeader(ascii('PROXY'), { v1: false }).status, 'need-more');
    expectInvalid(ascii('POST'), 'not-proxy', { v1: false });
    assert.equal(parseProxyHeader(v2, { v1: false }).status, 'parsed');
  });

  it('accept {v2:false} rejects v2 once its signature is complete, still parses v1', () => {
    expectInvalid(v2, 'v2-not-accepted', { v2: false });
    expectInvalid(SIG, 'v2-not-accepted', { v2: false });
    assert.equal(parseProxyHeader(SIG.subarray(0, 11), { v2: false }).status, 'need-more');
    assert.equal(parseProxyHeader(v1, { v2: false }).status, 'parsed');
  });

  it('accept {v1:false, v2:false} parses nothing', () => {
    expectInvalid(v1, 'v1-not-accepted', { v1: false, v2: false });
    expectInvalid(v2, 'v2-not-accepted', { v1: false, v2: false });
  });
});

// ---- properties ----

const byteArr = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a));
// IPv6 bytes biased towards zero runs and the mapped/compatible prefixes, where formatting branches.
const ipv6Raw = fc.oneof(
  byteArr(16, 16),
  fc.array(fc.constantFrom(0, 0, 0, 1, 0xffff, 0x102), { minLength: 8, maxLength: 8 }).map((ws) => {
    const b = Buffer.alloc(16);
    ws.forEach((w, i) => b.writeUInt16BE(w, 2 * i));
    return b;
  }),
  fc.tuple(fc.constantFrom(0, 0xffff, 1), byteArr(4, 4)).map(([w5, v4]) => Buffer.concat([Buffer.alloc(10), Buffer.from([w5 >> 8, w5 & 0xff]), v4])),
);
const nodeIPv6 = (raw: Buffer): string => {
  const text = Array.from({ length: 8 }, (_, i) => raw.readUInt16BE(2 * i).toString(16)).join(':');
  return new net.SocketAddress({ address: text, family: 'ipv6' }).address;
};
const portArb = fc.integer({ min: 0, max: 65535 });
const tlvArb = fc.record({ type: fc.integer({ min: 0, max: 255 }), value: byteArr(0, 40) });
const unixPath = fc.string({ maxLength: 60 }).map((s) => s.replace(/\0/g, ''));

const v2Arb: fc.Arbitrary<{ spec: V2Spec; expected: ProxyHeader }> = fc.oneof(
  fc.record({ fam: fc.constantFrom(FAM.tcp4, FAM.udp4), src: fc.ipV4(), dst: fc.ipV4(), sp: portArb, dp: portArb, tlvs: fc.array(tlvArb, { maxLength: 4 }) }).map((r) => ({
    spec: { fam: r.fam, source: { address: r.src, port: r.sp }, destination: { address: r.dst, port: r.dp }, tlvs: r.tlvs },
    expected: { version: 2 as const, command: 'proxy' as const, family: r.fam === FAM.tcp4 ? 'tcp4' as const : 'udp4' as const, source: { address: r.src, port: r.sp }, destination: { address: r.dst, port: r.dp }, tlvs: r.tlvs },
  })),
  fc.record({ fam: fc.constantFrom(FAM.tcp6, FAM.udp6), src: ipv6Raw, dst: ipv6Raw, sp: portArb, dp: portArb, tlvs: fc.array(tlvArb, { maxLength: 4 }) }).map((r) => ({
    spec: {
      fam: r.fam, tlvs: r.tlvs,
      block: Buffer.concat([r.src, r.dst, Buffer.from([r.sp >> 8, r.sp & 0xff, r.dp >> 8, r.dp & 0xff])]),
    },
    expected: {
      version: 2 as const, command: 'proxy' as const, family: r.fam === FAM.tcp6 ? 'tcp6' as const : 'udp6' as const,
      source: { address: nodeIPv6(r.src), port: r.sp }, destination: { address: nodeIPv6(r.dst), port: r.dp }, tlvs: r.tlvs,
    },
  })),
  fc.record({ fam: fc.constantFrom(FAM.unixStream, FAM.unixDgram), src: unixPath, dst: unixPath, tlvs: fc.array(tlvArb, { maxLength: 2 }) }).map((r) => ({
    spec: { fam: r.fam, source: { address: r.src, port: 0 }, destination: { address: r.dst, port: 0 }, tlvs: r.tlvs },
    expected: { version: 2 as const, command: 'proxy' as const, family: 'unix' as const, source: { address: r.src, port: 0 }, destination: { address: r.dst, port: 0 }, tlvs: r.tlvs },
  })),
  fc.record({ fam: fc.constantFrom(...Object.values(FAM)), block: byteArr(0, 30) }).map((r) => ({
    spec: { verCmd: 0x20, fam: r.fam, block: r.block },
    expected: { version: 2 as const, command: 'local' as const, family: famName(r.fam), tlvs: [] },
  })),
);
function famName(fam: number): ProxyHeader['family'] {
  return ({ 0x00: 'unknown', 0x11: 'tcp4', 0x12: 'udp4', 0x21: 'tcp6', 0x22: 'udp6', 0x31: 'unix', 0x32: 'unix' } as Record<number, ProxyHeader['family']>)[fam]!;
}

const v1Arb: fc.Arbitrary<{ line: string; expected: ProxyHeader }> = fc.oneof(
  fc.record({ src: fc.ipV4(), dst: fc.ipV4(), sp: portArb, dp: portArb }).map((r) => ({
    line: `PROXY TCP4 ${r.src} ${r.dst} ${r.sp} ${r.dp}\r\n`,
    expected: { version: 1 as const, command: 'proxy' as const, family: 'tcp4' as const, source: { address: r.src, port: r.sp }, destination: { address: r.dst, port: r.dp }, tlvs: [] },
  })),
  fc.record({ src: fc.ipV6(), dst: fc.ipV6(), sp: portArb, dp: portArb }).map((r) => ({
    line: `PROXY TCP6 ${r.src} ${r.dst} ${r.sp} ${r.dp}\r\n`,
    expected: {
      version: 1 as const, command: 'proxy' as const, family: 'tcp6' as const,
      source: { address: new net.SocketAddress({ address: r.src, family: 'ipv6' }).address, port: r.sp },
      destination: { address: new net.SocketAddress({ address: r.dst, family: 'ipv6' }).address, port: r.dp }, tlvs: [],
    },
  })),
  fc.string({ maxLength: 92 }).filter((s) => !s.includes('\n')).map((junk) => ({
    line: `PROXY UNKNOWN ${junk}\r\n`,
    expected: { version: 1 as const, command: 'proxy' as const, family: 'unknown' as const, tlvs: [] },
  })),
);

const validHeader = fc.oneof(v1Arb.map((h) => ascii(h.line)), v2Arb.map((h) => encodeV2(h.spec)));

function assertWellFormed(r: ParseResult<ProxyHeader>, buf: Buffer): void {
  assert.ok(['parsed', 'need-more', 'invalid'].includes(r.status));
  if (r.status === 'parsed') assert.ok(r.consumed > 0 && r.consumed <= buf.length);
  if (r.status === 'invalid') assert.ok((PROXY_INVALID_REASONS as readonly string[]).includes(r.reason), r.reason);
  if (r.status === 'need-more' && r.need !== undefined) assert.ok(r.need > buf.length);
}

describe('PROXY header properties', () => {
  it('formatIPv6 prints what net.SocketAddress prints', () => {
    fc.assert(fc.property(ipv6Raw, (raw) => {
      assert.equal(formatIPv6(raw), nodeIPv6(raw));
    }), { numRuns: 3000 });
  });

  it('v2: encode then parse round-trips, with any payload behind', () => {
    fc.assert(fc.property(v2Arb, byteArr(0, 20), ({ spec, expected }, payload) => {
      const header = encodeV2(spec);
      const { value, consumed } = parsed(parseProxyHeader(Buffer.concat([header, payload])));
      assert.equal(consumed, header.length);
      assert.deepEqual(value, expected);
    }), { numRuns: 500 });
  });

  it('v1: encode then parse round-trips, with any payload behind', () => {
    fc.assert(fc.property(v1Arb, byteArr(0, 20), ({ line, expected }, payload) => {
      const header = ascii(line);
      const { value, consumed } = parsed(parseProxyHeader(Buffer.concat([header, payload])));
      assert.equal(consumed, header.length);
      assert.deepEqual(value, expected);
    }), { numRuns: 500 });
  });

  it('every strict prefix of a valid header needs more', () => {
    fc.assert(fc.property(validHeader, (header) => expectPrefixesNeedMore(header)), { numRuns: 200 });
  });

  it('random bytes never throw and give a well-formed result', () => {
    fc.assert(fc.property(byteArr(0, 300), fc.boolean(), fc.boolean(), (buf, a1, a2) => {
      assertWellFormed(parseProxyHeader(buf, { v1: a1, v2: a2 }), buf);
    }), { numRuns: 2000 });
  });

  it('random bytes behind either magic never throw and give a well-formed result', () => {
    const magic = fc.constantFrom(ascii('PROXY '), ascii('PROXY TCP4 '), ascii('PROXY TCP6 '), SIG, Buffer.concat([SIG, Buffer.from([0x21])]));
    fc.assert(fc.property(magic, byteArr(0, 300), (m, rest) => {
      const buf = Buffer.concat([m, rest]);
      assertWellFormed(parseProxyHeader(buf), buf);
    }), { numRuns: 2000 });
  });

  it('mutated and truncated valid headers never throw and give a well-formed result', () => {
    const edit = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), kind: fc.constantFrom('set', 'insert', 'delete', 'cut') });
    fc.assert(fc.property(validHeader, fc.array(edit, { minLength: 1, maxLength: 4 }), byteArr(0, 10), (header, edits, payload) => {
      let buf = Buffer.concat([header, payload]);
      for (const { at, byte, kind } of edits) {
        const i = buf.length === 0 ? 0 : at % buf.length;
        if (kind === 'set' && buf.length > 0) buf[i] = byte;
        else if (kind === 'insert') buf = Buffer.concat([buf.subarray(0, i), Buffer.from([byte]), buf.subarray(i)]);
        else if (kind === 'delete') buf = Buffer.concat([buf.subarray(0, i), buf.subarray(i + 1)]);
        else buf = buf.subarray(0, i);
      }
      assertWellFormed(parseProxyHeader(buf), buf);
      assertWellFormed(parseProxyHeader(buf, { maxBytes: 32 }), buf);
    }), { numRuns: 3000 });
  });
});

describe('PROXY header: early decisions never contradict later ones', () => {
  // Over the prefixes of one byte string: once invalid, always invalid (same reason is not
  // required); once parsed, always parsed with the same length.
  const v1ish = fc.array(fc.constantFrom(...'PROXY TCP46UNKNOW0123456789abcdef:.\r\n %'.split('')), { maxLength: 110 })
    .map((cs) => ascii(`PROXY ${cs.join('')}`));
  const mutatedV2 = fc.tuple(v2Arb, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([h, at, byte]) => {
    const buf = encodeV2(h.spec);
    buf[12 + (at % (buf.length - 12))] = byte;
    return buf;
  });
  it('holds for v1-like text and mutated v2 headers', () => {
    fc.assert(fc.property(fc.oneof(v1ish, mutatedV2, validHeader), (buf) => {
      let before: ParseResult<ProxyHeader> | undefined;
      for (let n = 0; n <= buf.length; n++) {
        const r = parseProxyHeader(buf.subarray(0, n));
        if (before?.status === 'invalid') assert.equal(r.status, 'invalid', `prefix ${n}`);
        if (before?.status === 'parsed') assert.deepEqual(r, before);
        before = r;
      }
    }), { numRuns: 1000 });
  });
});

describe('PROXY invalid reasons', () => {
  it('every listed reason is produced by some test above', () => {
    assert.deepEqual([...seenReasons].sort(), [...PROXY_INVALID_REASONS].sort());
  });
});
