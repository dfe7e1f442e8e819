// Seeded inputs for the fault trials: a small PRNG, valid samples of each protocol's header, and
// mutations of them (flipped, inserted, deleted, repeated bytes, truncation, splices), so a run
// can be repeated case by case from its seed.

/** xorshift32: fast, seeded, good enough to pick bytes and mutations (not for anything secret). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = (seed >>> 0) || 0x9e3779b9;
  }
  /** A uint32. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.next() & 0xff;
    return b;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

/** Valid HTTP/1.1 request heads of several shapes. */
export const HTTP_SAMPLES: readonly Buffer[] = [
  'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n',
  'POST /api/v1/items?x=1&y=2 HTTP/1.1\r\nHost: a.example:8080\r\nContent-Length: 5\r\nCookie: sid=abc; theme="dark"\r\n\r\nhello',
  'GET http://example.com/path HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\nAccept: */*\r\n\r\n',
  'PUT /u HTTP/1.1\r\nHost: [::1]:80\r\nTransfer-Encoding: chunked\r\nX-A:  v \r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n',
  'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
  'GET /a HTTP/1.0\r\n\r\n',
].map((s) => Buffer.from(s, 'latin1'));

/** A TLS record holding a ClientHello with SNI, ALPN (when `alpn` names any) and supported_versions. */
export function clientHelloSample(sni = 'example.com', alpn: readonly string[] = ['h2', 'http/1.1']): Buffer {
  const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
  const ext = (type: number, body: Buffer): Buffer => Buffer.concat([u16(type), u16(body.length), body]);
  const name = Buffer.from(sni, 'latin1');
  const sniList = Buffer.concat([Buffer.from([0]), u16(name.length), name]);
  const protos = Buffer.concat(alpn.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'latin1')])));
  const extensions = Buffer.concat([
    ext(0x0000, Buffer.concat([u16(sniList.length), sniList])),
    // An empty ALPN list is malformed (RFC 7301): no extension then.
    ...(alpn.length > 0 ? [ext(0x0010, Buffer.concat([u16(protos.length), protos]))] : []),
    ext(0x002b, Buffer.from([4, 0x03, 0x04, 0x03, 0x03])),
  ]);
  const body = Buffer.concat([
    Buffer.from([0x03, 0x03]), Buffer.alloc(32, 7), Buffer.from([0]),
    u16(4), Buffer.from([0x13, 0x01, 0x13, 0x02]), Buffer.from([1, 0]),
    u16(extensions.length), extensions,
  ]);
  const hs = Buffer.concat([Buffer.from([1, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), u16(hs.length), hs]);
}

export const TLS_SAMPLES: readonly Buffer[] = [clientHelloSample(), clientHelloSample('a.b.c.example.org', ['http/1.1']), clientHelloSample('x', [])];

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** A PROXY v2 header for TCP over IPv4 with one TLV. */
function proxyV2Sample(): Buffer {
  const tlv = Buffer.from([0x04, 0x00, 0x03, 0x61, 0x62, 0x63]);
  const addr = Buffer.from([10, 0, 0, 1, 10, 0, 0, 2, 0x1f, 0x90, 0x00, 0x50]);
  const len = addr.length + tlv.length;
  return Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, len >> 8, len & 0xff]), addr, tlv]);
}

export const PROXY_SAMPLES: readonly Buffer[] = [
  Buffer.from('PROXY TCP4 192.168.0.1 10.0.0.2 56324 443\r\n', 'latin1'),
  Buffer.from('PROXY TCP6 2001:db8::1 ::1 1 65535\r\n', 'latin1'),
  Buffer.from('PROXY UNKNOWN\r\n', 'latin1'),
  proxyV2Sample(),
];

/** Bytes a mutation likes to insert: the ones protocol parsers branch on. */
const INTERESTING = [0x00, 0x0a, 0x0d, 0x20, 0x09, 0x3a, 0x2f, 0x3f, 0x25, 0x22, 0x3b, 0x2c, 0x7f, 0x80, 0xff, 0x16, 0x03, 0x30];

/** One input: 1 in 8 purely random bytes, else a sample with 1-4 mutations. */
export function nextCase(rng: Rng, samples: readonly Buffer[], maxBytes = 2048): Buffer {
  if (rng.below(8) === 0) return rng.bytes(rng.below(maxBytes / 4));
  let b: Buffer = Buffer.from(rng.pick(samples));
  const n = 1 + rng.below(4);
  for (let i = 0; i < n; i++) b = mutate(rng, b, samples, maxBytes);
  return b;
}

/** One mutation of `b`, no longer than `maxBytes`. */
export function mutate(rng: Rng, b: Buffer, samples: readonly Buffer[], maxBytes: number): Buffer {
  const at = rng.below(b.length + 1);
  let out: Buffer;
  switch (rng.below(8)) {
    case 0: // flip a bit
      out = Buffer.from(b);
      if (out.length > 0) out[rng.below(out.length)]! ^= 1 << rng.below(8);
      break;
    case 1: // set a byte to an interesting value
      out = Buffer.from(b);
      if (out.length > 0) out[rng.below(out.length)] = rng.pick(INTERESTING);
      break;
    case 2: // insert random bytes
      out = Buffer.concat([b.subarray(0, at), rng.bytes(1 + rng.below(16)), b.subarray(at)]);
      break;
    case 3: // delete a run
      out = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.below(16)))]);
      break;
    case 4: // truncate
      out = b.subarray(0, at);
      break;
    case 5: { // repeat a run many times (long lines, many headers, deep lengths)
      const len = 1 + rng.below(Math.max(1, Math.min(64, b.length - at)));
      const run = b.subarray(at, at + len);
      out = Buffer.concat([b.subarray(0, at), ...Array<Buffer>(1 + rng.below(200)).fill(run), b.subarray(at)]);
      break;
    }
    case 6: { // splice another sample's tail in
      const other = rng.pick(samples);
      out = Buffer.concat([b.subarray(0, at), other.subarray(rng.below(other.length + 1))]);
      break;
    }
    default: // overwrite a 16-bit field with an extreme value (lengths)
      out = Buffer.from(b);
      if (out.length >= 2) out.writeUInt16BE(rng.pick([0, 1, 0x7fff, 0xffff, out.length, out.length + 1]), rng.below(out.length - 1));
      break;
  }
  return out.length > maxBytes ? out.subarray(0, maxBytes) : out;
}
