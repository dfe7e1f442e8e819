// Parses the PROXY protocol header (HAProxy's spec, v1 text and v2 binary) at the start of a
// stream, for listeners configured to expect it: never guessed, strict, bounded, never throwing.
import net from 'node:net';
import { type Invalid, type ParseResult, NEED_MORE, invalid } from './parse-result.js';

export interface ProxyEndpoint { readonly address: string; readonly port: number }
export interface ProxyTlv { readonly type: number; readonly value: Buffer }

/** What a PROXY header says about the connection it precedes. */
export interface ProxyHeader {
  readonly version: 1 | 2;
  readonly command: 'proxy' | 'local';
  readonly family: 'tcp4' | 'tcp6' | 'udp4' | 'udp6' | 'unix' | 'unknown';
  /** The real client; absent for LOCAL, UNKNOWN and UNSPEC. Unix: the path, port 0. */
  readonly source?: ProxyEndpoint;
  /** The address the client connected to; present exactly when `source` is. */
  readonly destination?: ProxyEndpoint;
  /** v2 only, in wire order, uninterpreted; each value is a copy, not a view into the input. */
  readonly tlvs: ProxyTlv[];
}

export interface ProxyParseOptions {
  /** Accept v1 (text) headers. Default true. */
  readonly v1?: boolean;
  /** Accept v2 (binary) headers. Default true. */
  readonly v2?: boolean;
  /** Largest v2 header accepted, in bytes, signature included. Default 4096. v1 is capped at 107. */
  readonly maxBytes?: number;
}

/** Every `reason` parseProxyHeader can return, for metric labels. */
export const PROXY_INVALID_REASONS = [
  'not-proxy', 'v1-not-accepted', 'v2-not-accepted',
  'v1-malformed', 'v1-bad-address', 'v1-bad-port', 'v1-too-long',
  'v2-bad-version', 'v2-bad-command', 'v2-bad-family', 'v2-too-large', 'v2-bad-length', 'v2-bad-tlv',
] as const;
export type ProxyInvalidReason = typeof PROXY_INVALID_REASONS[number];

export const PROXY_V1_MAX_BYTES = 107;
export const PROXY_V2_DEFAULT_MAX_BYTES = 4096;
const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V2_FIXED = 16;

/**
 * Parses the PROXY header at the start of `buf`. 'parsed': `consumed` is the header's length (the
 * payload follows). 'need-more': `buf` is a strict prefix of a possible header; `need`, when
 * known, is the total length `buf` must reach. 'invalid': one of PROXY_INVALID_REASONS, decided
 * as soon as the bytes at hand rule every accepted header out.
 */
export function parseProxyHeader(buf: Buffer, options: ProxyParseOptions = {}): ParseResult<ProxyHeader> {
  if (buf.length === 0) return NEED_MORE;
  if (startsLike(buf, V1_PREFIX)) {
    if (options.v1 === false) return buf.length < V1_PREFIX.length ? NEED_MORE : invalid('v1-not-accepted');
    return parseV1(buf);
  }
  if (startsLike(buf, V2_SIGNATURE)) {
    if (options.v2 === false) return buf.length < V2_SIGNATURE.length ? NEED_MORE : invalid('v2-not-accepted');
    return parseV2(buf, options.maxBytes ?? PROXY_V2_DEFAULT_MAX_BYTES);
  }
  return invalid('not-proxy');
}

/** True when the bytes at hand agree with `magic` as far as both go. */
function startsLike(buf: Buffer, magic: Buffer): boolean {
  const n = Math.min(buf.length, magic.length);
  return buf.compare(magic, 0, n, 0, n) === 0;
}

// ---- v1: "PROXY TCP4 1.2.3.4 5.6.7.8 1234 80\r\n" ----

function parseV1(buf: Buffer): ParseResult<ProxyHeader> {
  const text = buf.toString('latin1', 0, Math.min(buf.length, PROXY_V1_MAX_BYTES));
  const lf = text.indexOf('\n');
  if (lf !== -1) {
    if (text[lf - 1] !== '\r') return invalid('v1-malformed');
    const line = checkV1(text.slice(0, lf - 1), true)!; // complete: never undefined
    return 'status' in line ? line : { status: 'parsed', value: line, consumed: lf + 1 };
  }
  // No LF yet: a trailing CR closes the line, else the last field may still grow.
  const cr = text.endsWith('\r');
  const line = checkV1(cr ? text.slice(0, -1) : text, cr);
  if (line !== undefined && 'status' in line) return line;
  if (text.length >= PROXY_V1_MAX_BYTES) return invalid('v1-too-long');
  return cr ? { status: 'need-more', need: text.length + 1 } : NEED_MORE;
}

type V1Field = (token: string, partial: boolean) => boolean;
const V1_FIELDS: Record<'TCP4' | 'TCP6', { family: 'tcp4' | 'tcp6'; address: V1Field }> = {
  TCP4: { family: 'tcp4', address: isIPv4Text },
  TCP6: { family: 'tcp6', address: isIPv6Text },
};

/**
 * Checks a v1 line without its CRLF. `complete`: the line has ended, else `line` is all that
 * arrived so far and its last field may be cut. Returns the header when complete, undefined
 * while an incomplete line can still become valid, else why it cannot.
 */
function checkV1(line: string, complete: boolean): ProxyHeader | Invalid | undefined {
  const tokens = line.split(' ');
  const at = (i: number): { token: string; partial: boolean } | undefined =>
    i < tokens.length ? { token: tokens[i]!, partial: !complete && i === tokens.length - 1 } : undefined;
  const head = at(0)!;
  if (!(head.partial ? 'PROXY'.startsWith(head.token) : head.token === 'PROXY')) return invalid('v1-malformed');
  const proto = at(1);
  if (proto === undefined) return complete ? invalid('v1-malformed') : undefined;
  if (proto.partial) return ['TCP4', 'TCP6', 'UNKNOWN'].some((p) => p.startsWith(proto.token)) ? undefined : invalid('v1-malformed');
  // UNKNOWN: whatever follows, up to the CRLF, is ignored (the spec says so).
  if (proto.token === 'UNKNOWN') return complete ? { version: 1, command: 'proxy', family: 'unknown', tlvs: [] } : undefined;
  if (proto.token !== 'TCP4' && proto.token !== 'TCP6') return invalid('v1-malformed');
  if (tokens.length > 6 || (complete && tokens.length < 6)) return invalid('v1-malformed');
  const { family, address } = V1_FIELDS[proto.token];
  for (let i = 2; i < tokens.length; i++) {
    const { token, partial } = at(i)!;
    if (token === '' && !partial) return invalid('v1-malformed');
    if (i < 4 && !address(token, partial)) return invalid('v1-bad-address');
    if (i >= 4 && !isPortText(token, partial)) return invalid('v1-bad-port');
  }
  if (!complete) return undefined;
  const norm = family === 'tcp6' ? normalizeIPv6 : (a: string) => a;
  return {
    version: 1, command: 'proxy', family,
    source: { address: norm(tokens[2]!), port: Number(tokens[4]) },
    destination: { address: norm(tokens[3]!), port: Number(tokens[5]) },
    tlvs: [],
  };
}

/** A decimal 0-`max` without leading zeros; `partial`: a prefix of one. */
function isDecimal(s: string, maxDigits: number, max: number, partial: boolean): boolean {
  if (s === '') return partial;
  if (s.length > maxDigits || !/^[0-9]+$/.test(s) || (s.length > 1 && s[0] === '0')) return false;
  return Number(s) <= max;
}

function isPortText(s: string, partial: boolean): boolean {
  return isDecimal(s, 5, 65535, partial);
}

function isIPv4Text(s: string, partial: boolean): boolean {
  const octets = s.split('.');
  if (octets.length > 4 || (!partial && octets.length < 4)) return false;
  return octets.every((o, i) => isDecimal(o, 3, 255, partial && i === octets.length - 1));
}

// Completions that, together, turn any proper prefix of an IPv6 text into a valid address.
const IPV6_COMPLETIONS = ['', '0', ':0', '::', '::0'];

function isIPv6Text(s: string, partial: boolean): boolean {
  if (s.length > 45 || !/^[0-9A-Fa-f:.]*$/.test(s)) return false; // no zone ids ("%eth0")
  if (!partial) return net.isIPv6(s);
  if (s === '') return true;
  const tail = s.slice(s.lastIndexOf(':') + 1);
  const dots = tail.split('.').length - 1;
  const v4 = dots === 0 || dots > 3 ? [] : [tail.endsWith('.') ? '0' + '.0'.repeat(3 - dots) : '.0'.repeat(3 - dots)];
  return [...IPV6_COMPLETIONS, ...v4].some((c) => net.isIPv6(s + c));
}

/** The form Node gives the same address (socket.remoteAddress): lower case, compressed. */
function normalizeIPv6(s: string): string {
  try {
    return new net.SocketAddress({ address: s, family: 'ipv6' }).address;
  } catch {
    return s.toLowerCase(); // unreachable: `s` passed net.isIPv6
  }
}

// ---- v2: signature, ver/cmd, fam/proto, 16-bit length, address block, TLVs ----

const V2_FAMILIES: Record<number, { family: ProxyHeader['family']; size: number }> = {
  0x00: { family: 'unknown', size: 0 },
  0x11: { family: 'tcp4', size: 12 },
  0x12: { family: 'udp4', size: 12 },
  0x21: { family: 'tcp6', size: 36 },
  0x22: { family: 'udp6', size: 36 },
  0x31: { family: 'unix', size: 216 },
  0x32: { family: 'unix', size: 216 },
};

function parseV2(buf: Buffer, maxBytes: number): ParseResult<ProxyHeader> {
  if (buf.length > 12) {
    if (buf[12]! >> 4 !== 2) return invalid('v2-bad-version');
    if ((buf[12]! & 0x0f) > 1) return invalid('v2-bad-command');
  }
  // The spec lists the seven valid family/protocol bytes and requires rejecting the others.
  const fam = buf.length > 13 ? V2_FAMILIES[buf[13]!] : undefined;
  if (buf.length > 13 && fam === undefined) return invalid('v2-bad-family');
  if (buf.length < V2_FIXED) return { status: 'need-more', need: V2_FIXED };
  const total = V2_FIXED + buf.readUInt16BE(14);
  if (total > maxBytes) return invalid('v2-too-large');
  const local = (buf[12]! & 0x0f) === 0;
  if (!local && total - V2_FIXED < fam!.size) return invalid('v2-bad-length');
  if (buf.length < total) return { status: 'need-more', need: total };
  // LOCAL: the spec says to discard the block, family included; only the family byte is kept.
  // UNSPEC: the spec says to ignore the address information; its TLVs go with it.
  if (local || fam!.size === 0) {
    return { status: 'parsed', value: { version: 2, command: local ? 'local' : 'proxy', family: fam!.family, tlvs: [] }, consumed: total };
  }
  const tlvs = readTlvs(buf, V2_FIXED + fam!.size, total);
  if (tlvs === undefined) return invalid('v2-bad-tlv');
  const [source, destination] = readEndpoints(buf, fam!.family);
  return { status: 'parsed', value: { version: 2, command: 'proxy', family: fam!.family, source, destination, tlvs }, consumed: total };
}

/** The TLVs in buf[from, to), which they must fill exactly; undefined if they do not. */
function readTlvs(buf: Buffer, from: number, to: number): ProxyTlv[] | undefined {
  const tlvs: ProxyTlv[] = [];
  let at = from;
  while (at < to) {
    if (to - at < 3) return undefined;
    const end = at + 3 + buf.readUInt16BE(at + 1);
    if (end > to) return undefined;
    // Own memory, not a slice of Buffer's shared 8 KiB pool: a header may live as long as its
    // connection, and must not keep the input (or a pool slab) alive.
    const value = Buffer.allocUnsafeSlow(end - at - 3);
    buf.copy(value, 0, at + 3, end);
    tlvs.push({ type: buf[at]!, value });
    at = end;
  }
  return tlvs;
}

function readEndpoints(buf: Buffer, family: ProxyHeader['family']): [ProxyEndpoint, ProxyEndpoint] {
  const a = V2_FIXED;
  switch (family) {
    case 'tcp4': case 'udp4':
      return [
        { address: formatIPv4(buf, a), port: buf.readUInt16BE(a + 8) },
        { address: formatIPv4(buf, a + 4), port: buf.readUInt16BE(a + 10) },
      ];
    case 'tcp6': case 'udp6':
      return [
        { address: formatIPv6(buf, a), port: buf.readUInt16BE(a + 32) },
        { address: formatIPv6(buf, a + 16), port: buf.readUInt16BE(a + 34) },
      ];
    default:
      return [{ address: unixPath(buf, a), port: 0 }, { address: unixPath(buf, a + 108), port: 0 }];
  }
}

/** A sun_path: up to its NUL, or all 108 bytes (Linux allows an unterminated full path). */
function unixPath(buf: Buffer, at: number): string {
  const nul = buf.subarray(at, at + 108).indexOf(0);
  return buf.toString('utf8', at, nul === -1 ? at + 108 : at + nul);
}

function formatIPv4(buf: Buffer, at: number): string {
  return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
}

/**
 * The 16 bytes at `at` as Node prints IPv6 addresses (libuv's inet_ntop): lower-case hex, the
 * first longest run of two or more zero groups as "::", and "::a.b.c.d" / "::ffff:a.b.c.d" for
 * IPv4-compatible and IPv4-mapped addresses. Pinned against net.SocketAddress by a test.
 */
export function formatIPv6(buf: Buffer, at = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(buf.readUInt16BE(at + 2 * i));
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j === i ? i + 1 : j;
  }
  if (bestLen < 2) best = -1;
  if (best === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
    return (bestLen === 5 ? '::ffff:' : '::') + formatIPv4(buf, at + 12);
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) { out += '::'; i += bestLen - 1; continue; }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += words[i]!.toString(16);
  }
  return out;
}
