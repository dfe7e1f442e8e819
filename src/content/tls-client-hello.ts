// Parses the TLS ClientHello at the start of a stream, without decrypting anything, for routing
// by SNI and ALPN: strict, bounded, linear, never throwing, never reading past the buffer.
import { type Invalid, type ParseResult, invalid } from './parse-result.js';

/** What a ClientHello says that routing cares about. */
export interface ClientHello {
  /** legacy_version of the handshake message (0x0303 for TLS 1.2 and 1.3 clients). */
  readonly version: number;
  /** server_name's host_name: lower-cased printable ASCII, 1-255 bytes; undefined when absent. */
  readonly sni: string | undefined;
  /** ALPN protocol names in the client's order (bytes as latin1); empty when absent. */
  readonly alpn: string[];
  /** supported_versions in the client's order, GREASE values included; empty when absent. */
  readonly supportedVersions: number[];
}

export interface ClientHelloLimits {
  /** Largest number of bytes the records carrying the hello may take, headers included. Default 16384. */
  readonly maxBytes?: number;
}

/** Every `reason` parseClientHello can return, for metric labels. */
export const TLS_INVALID_REASONS = [
  'not-tls', 'unsupported', 'not-client-hello', 'malformed', 'duplicate-extension', 'bad-sni', 'too-large',
] as const;
export type TlsInvalidReason = typeof TLS_INVALID_REASONS[number];

/** The preread buffer's size (NGINX's ssl_preread uses the same 16 KiB). */
export const TLS_HELLO_DEFAULT_MAX_BYTES = 16384;

const RECORD_HEADER = 5;
const MAX_FRAGMENT = 16384; // RFC 8446 5.1: a plaintext record carries at most 2^14 bytes
const CONTENT_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const HANDSHAKE_HEADER = 4; // msg_type (1) + length (3)

const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;
const EXT_SUPPORTED_VERSIONS = 43;
const NAME_TYPE_HOST_NAME = 0;

const needMore = (need: number): ParseResult<never> => ({ status: 'need-more', need });
const fail = (reason: TlsInvalidReason): ParseResult<never> => invalid(reason);

/**
 * Parses the ClientHello at the start of `buf`, reassembled from as many handshake records as it
 * spans. 'parsed': `consumed` is the length of those records (what follows is the client's next
 * record). 'need-more': `buf` is a strict prefix of a possible hello; `need` is the length `buf`
 * must reach before anything new can be said. 'invalid': one of TLS_INVALID_REASONS, decided as
 * soon as the bytes at hand rule every acceptable hello out.
 */
export function parseClientHello(buf: Buffer, limits: ClientHelloLimits = {}): ParseResult<ClientHello> {
  const maxBytes = limits.maxBytes ?? TLS_HELLO_DEFAULT_MAX_BYTES;
  const first = buf[0];
  if (first === undefined) return needMore(RECORD_HEADER);
  // An SSLv2-compatible hello starts with a 2-byte header whose high bit is set; nothing that
  // starts so is TLS 1.0+, and waiting for more bytes would not change the answer.
  if (first >= 0x80) return fail('unsupported');

  const parts: Buffer[] = []; // the handshake bytes of each record seen, the last possibly cut
  let before = 0; // handshake bytes in the complete records before `at`
  let total = -1; // the whole handshake message's length, header included, once known
  let versionChecked = false;
  for (let at = 0; ;) {
    const bad = checkRecordHeader(buf, at);
    if (bad !== undefined) return fail(bad);
    if (at + RECORD_HEADER + 1 > maxBytes) return fail('too-large');
    if (buf.length < at + RECORD_HEADER) return needMore(at + RECORD_HEADER);
    const len = buf.readUInt16BE(at + 3);
    // RFC 8446 5.1: no zero-length handshake fragments, none over 2^14.
    if (len === 0 || len > MAX_FRAGMENT) return fail('malformed');
    const end = at + RECORD_HEADER + len;
    const avail = Math.min(end, buf.length);
    parts.push(buf.subarray(at + RECORD_HEADER, avail));
    const got = before + avail - (at + RECORD_HEADER);

    // Decide from the handshake header as soon as it is here, even cut across records.
    if (total < 0 && got >= 1 && handshakeByte(parts, 0) !== HANDSHAKE_CLIENT_HELLO) return fail('not-client-hello');
    if (total < 0 && got >= HANDSHAKE_HEADER) {
      total = HANDSHAKE_HEADER + ((handshakeByte(parts, 1) << 16) | (handshakeByte(parts, 2) << 8) | handshakeByte(parts, 3));
    }
    if (!versionChecked && got >= HANDSHAKE_HEADER + 2) {
      versionChecked = true;
      // SSL 3.0 (0x0300) and anything not 3.x: this is no TLS 1.0+ hello.
      if (handshakeByte(parts, 4) !== 3 || handshakeByte(parts, 5) === 0) return fail('unsupported');
    }
    if (total >= 0) {
      const remaining = total - before;
      // A client sends nothing after its hello before the server answers: the hello ends its record.
      if (remaining < len) return fail('malformed');
      const smallestEnd = remaining === len ? end : end + RECORD_HEADER + (remaining - len);
      if (smallestEnd > maxBytes) return fail('too-large');
    } else if (end > maxBytes) {
      return fail('too-large');
    }
    if (avail < end) return needMore(end);
    before += len;
    if (before === total) {
      const hello = parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
      const value = parseBody(hello, total);
      return 'status' in value ? value : { status: 'parsed', value, consumed: end };
    }
    at = end;
  }
}

/** Why the record header at `at` (as far as it has arrived) cannot carry a hello; undefined if it can. */
function checkRecordHeader(buf: Buffer, at: number): TlsInvalidReason | undefined {
  const firstRecord = at === 0;
  const type = buf[at];
  if (type !== undefined && type !== CONTENT_HANDSHAKE) return firstRecord ? 'not-tls' : 'malformed';
  const major = buf[at + 1];
  if (major !== undefined && major !== 3) return firstRecord ? 'not-tls' : 'malformed';
  // 0x0300 is accepted: RFC 5246 E.1 lets TLS clients use it on the record layer for SSLv3
  // compatibility; an SSLv3-only client is caught by the hello's own legacy_version.
  const minor = buf[at + 2];
  if (minor !== undefined && minor > 4) return firstRecord ? 'unsupported' : 'malformed';
  return undefined;
}

/** Byte `i` of the handshake bytes gathered so far; called a bounded number of times. */
function handshakeByte(parts: Buffer[], i: number): number {
  for (const part of parts) {
    if (i < part.length) return part[i]!;
    i -= part.length;
  }
  return -1; // unreachable: callers check the count first
}

interface Span { readonly from: number; readonly to: number }

/** The body of the vector with a `width`-byte length at `at`, if it fits before `end`. */
function vector(b: Buffer, at: number, end: number, width: 1 | 2): Span | undefined {
  if (end - at < width) return undefined;
  const from = at + width;
  const to = from + (width === 1 ? b[at]! : b.readUInt16BE(at));
  return to <= end ? { from, to } : undefined;
}

// ---- the ClientHello body (RFC 8446 4.1.2, RFC 5246 7.4.1.2) ----

/** The hello in `h[HANDSHAKE_HEADER, end)`, or why it is invalid. */
function parseBody(h: Buffer, end: number): ClientHello | Invalid {
  const malformed = invalid('malformed');
  let at = HANDSHAKE_HEADER;
  if (end - at < 2 + 32) return malformed;
  const version = h.readUInt16BE(at);
  at += 2 + 32; // legacy_version, random
  const sessionId = vector(h, at, end, 1);
  if (sessionId === undefined || sessionId.to - sessionId.from > 32) return malformed;
  const suites = vector(h, sessionId.to, end, 2);
  if (suites === undefined || suites.to === suites.from || (suites.to - suites.from) % 2 !== 0) return malformed;
  const compression = vector(h, suites.to, end, 1);
  if (compression === undefined || compression.to === compression.from) return malformed;
  const hello = { version, sni: undefined as string | undefined, alpn: [] as string[], supportedVersions: [] as number[] };
  if (compression.to === end) return hello; // TLS 1.2 syntax: extensions may be absent

  // The extensions fill the rest of the message exactly.
  const exts = vector(h, compression.to, end, 2);
  if (exts === undefined || exts.to !== end) return malformed;
  const seen = new Set<number>();
  for (let p = exts.from; p < exts.to;) {
    if (exts.to - p < 4) return malformed;
    const type = h.readUInt16BE(p);
    const data = vector(h, p + 2, exts.to, 2);
    if (data === undefined) return malformed;
    // RFC 8446 4.2: no two extensions of one type; servers must abort.
    if (seen.has(type)) return invalid('duplicate-extension');
    seen.add(type);
    if (type === EXT_SERVER_NAME) {
      const sni = parseServerName(h, data);
      if (typeof sni === 'object') return sni;
      hello.sni = sni;
    } else if (type === EXT_ALPN) {
      const alpn = parseAlpn(h, data);
      if (alpn === undefined) return malformed;
      hello.alpn = alpn;
    } else if (type === EXT_SUPPORTED_VERSIONS) {
      const versions = parseSupportedVersions(h, data);
      if (versions === undefined) return malformed;
      hello.supportedVersions = versions;
    }
    p = data.to;
  }
  return hello;
}

/**
 * RFC 6066 3: ServerNameList server_name_list<1..2^16-1>, one host_name at most. A list of only
 * other name types (none is defined) leaves the host undefined.
 */
function parseServerName(h: Buffer, data: Span): string | undefined | Invalid {
  const list = vector(h, data.from, data.to, 2);
  if (list === undefined || list.to !== data.to || list.to === list.from) return invalid('malformed');
  let host: string | undefined;
  for (let p = list.from; p < list.to;) {
    const nameType = h[p]!;
    // Every name type in use is a 16-bit-length vector; other types are skipped as such.
    const name = vector(h, p + 1, list.to, 2);
    if (name === undefined) return invalid('malformed');
    if (nameType === NAME_TYPE_HOST_NAME) {
      if (host !== undefined) return invalid('bad-sni');
      const checked = hostName(h, name);
      if (checked === undefined) return invalid('bad-sni');
      host = checked;
    }
    p = name.to;
  }
  return host;
}

/**
 * The host name in `h[name)`, lower-cased, if it is 1-255 bytes of printable ASCII: no NUL, no
 * control bytes, no spaces (a NUL inside a name is the classic trick to make two parsers disagree).
 */
function hostName(h: Buffer, name: Span): string | undefined {
  const n = name.to - name.from;
  if (n === 0 || n > 255) return undefined;
  for (let i = name.from; i < name.to; i++) {
    const c = h[i]!;
    if (c <= 0x20 || c >= 0x7f) return undefined;
  }
  return h.toString('latin1', name.from, name.to).toLowerCase();
}

/** RFC 7301 3.1: ProtocolNameList protocol_name_list<2..2^16-1> of ProtocolName<1..2^8-1>. */
function parseAlpn(h: Buffer, data: Span): string[] | undefined {
  const list = vector(h, data.from, data.to, 2);
  if (list === undefined || list.to !== data.to || list.to === list.from) return undefined;
  const names: string[] = [];
  for (let p = list.from; p < list.to;) {
    const name = vector(h, p, list.to, 1);
    if (name === undefined || name.to === name.from) return undefined;
    names.push(h.toString('latin1', name.from, name.to));
    p = name.to;
  }
  return names;
}

/** RFC 8446 4.2.1, in a ClientHello: ProtocolVersion versions<2..254>. */
function parseSupportedVersions(h: Buffer, data: Span): number[] | undefined {
  const list = vector(h, data.from, data.to, 1);
  if (list === undefined || list.to !== data.to || list.to === list.from || (list.to - list.from) % 2 !== 0) return undefined;
  const versions: number[] = [];
  for (let p = list.from; p < list.to; p += 2) versions.push(h.readUInt16BE(p));
  return versions;
}
