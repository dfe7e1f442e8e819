// Parses an HTTP/1.x request head (RFC 9112) at the start of a stream, so the master can route
// by method, host, path, headers or cookies: strict, bounded, linear in the bytes, never throwing.
//
// One hand-written pass over the bytes, no regular expressions. Every byte is checked as it
// arrives, so anything that cannot become a valid head is rejected at once (the master falls
// back without waiting); the checks that need the whole head (Host, framing) run at its end.
import net from 'node:net';
import { type Invalid, type ParseResult, NEED_MORE, invalid } from './parse-result.js';

/** A request head. Strings are the bytes as latin1 (as Node's http does), never decoded. */
export interface HttpHead {
  /** Case-sensitive, as sent. */
  readonly method: string;
  /** The request-target as sent. */
  readonly target: string;
  /** Still percent-encoded. Absolute-form: the URL's path, '/' when empty. '*' for OPTIONS *, '' for CONNECT. */
  readonly path: string;
  /** Still percent-encoded, without its '?'; '' when none. */
  readonly query: string;
  readonly version: '1.0' | '1.1';
  /**
   * Lower case, port stripped, IPv6 brackets kept ('[::1]'). From the target's authority when it
   * has one (absolute-form, CONNECT), else from Host; undefined when neither names a host.
   */
  readonly host: string | undefined;
  /** Lower-case names; values with surrounding whitespace trimmed; repeated fields in order. */
  readonly headers: ReadonlyMap<string, string[]>;
  /** From every Cookie field, first occurrence of a name wins; values unquoted, not decoded. */
  readonly cookies: ReadonlyMap<string, string>;
}

export interface HttpHeadLimits {
  /** Largest head accepted, in bytes, final CRLFCRLF included. Default 16384. */
  readonly maxBytes?: number;
  /** Most header field lines accepted. Default 100. */
  readonly maxHeaders?: number;
}

/** Every `reason` parseHttpHead can return, for metric labels. */
export const HTTP_INVALID_REASONS = [
  'not-http', 'too-large', 'too-many-headers',
  'bad-method', 'bad-target', 'bad-version',
  'bare-lf', 'bare-cr', 'obs-fold',
  'bad-header-name', 'space-before-colon', 'bad-header-value',
  'missing-host', 'multiple-host', 'bad-host', 'host-mismatch',
  'bad-content-length', 'bad-transfer-encoding', 'cl-and-te',
] as const;
export type HttpInvalidReason = typeof HTTP_INVALID_REASONS[number];

export const HTTP_HEAD_DEFAULT_MAX_BYTES = 16384;
export const HTTP_HEAD_DEFAULT_MAX_HEADERS = 100;
/** Longest request line, CRLF excluded; longer is taken for not HTTP (NGINX's large buffer: 8 KiB). */
export const HTTP_REQUEST_LINE_MAX = 8192;
/** Content-Length digits accepted: 15 keeps every value a safe integer. */
const CONTENT_LENGTH_MAX_DIGITS = 15;

const HTAB = 0x09, LF = 0x0a, CR = 0x0d, SP = 0x20, PERCENT = 0x25, COLON = 0x3a;
const VERSION_PREFIX = Buffer.from('HTTP/1.', 'latin1');

// ---- byte classes ----

function byteClass(chars: string, ranges: ReadonlyArray<readonly [number, number]> = []): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  for (const [from, to] of ranges) t.fill(1, from, to + 1);
  return t;
}
const ALNUM = [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]] as const;
/** RFC 9110 tchar. */
const TCHAR = byteClass("!#$%&'*+-.^_`|~", ALNUM);
/** What any request-target form may hold (RFC 3986); brackets are checked to be in the authority later. */
const TARGET_CHAR = byteClass("-._~!$&'()*+,;=:@/?%[]", ALNUM);
/** RFC 3986 reg-name: unreserved, sub-delims, pct-encoded. */
const REG_NAME_CHAR = byteClass("-._~!$&'()*+,;=%", ALNUM);
const HEXDIG = byteClass('', [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]]);
/** RFC 9110 field-value bytes: VCHAR, obs-text, SP, HTAB. */
const FIELD_CHAR = byteClass('\t', [[0x20, 0x7e], [0x80, 0xff]]);

/**
 * Parses the request head at the start of `buf`. 'parsed': `consumed` bytes, up to and including
 * the CRLFCRLF, are the head (the body follows). 'need-more': `buf` is a strict prefix of a
 * possible head. 'invalid': one of HTTP_INVALID_REASONS, decided as soon as the bytes at hand
 * rule every valid head out; 'too-large' once `maxBytes` bytes hold no complete head.
 */
export function parseHttpHead(buf: Buffer, limits?: HttpHeadLimits): ParseResult<HttpHead> {
  const maxBytes = limitOf(limits?.maxBytes, HTTP_HEAD_DEFAULT_MAX_BYTES);
  const maxHeaders = limitOf(limits?.maxHeaders, HTTP_HEAD_DEFAULT_MAX_HEADERS);
  // Nothing past maxBytes is looked at: a head must end within it.
  const end = Math.min(buf.length, maxBytes);
  const more = (): ParseResult<HttpHead> => (buf.length >= maxBytes ? invalid('too-large') : NEED_MORE);

  const line = scanRequestLine(buf, end);
  if (line === undefined) return more();
  if ('status' in line) return line;

  const fields: Array<[string, string]> = [];
  let at = line.next;
  for (;;) {
    const field = scanFieldLine(buf, at, end);
    if (field === undefined) return more();
    if ('status' in field) return field;
    if (field.name === undefined) {
      at = field.next;
      break;
    }
    if (fields.length >= maxHeaders) return invalid('too-many-headers');
    fields.push([field.name, field.value]);
    at = field.next;
  }
  const head = buildHead(line, fields);
  return 'status' in head ? head : { status: 'parsed', value: head, consumed: at };
}

/** A non-negative integer limit, or the default for anything else (never throws on bad input). */
function limitOf(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

// ---- request line: method SP request-target SP HTTP-version CRLF ----

interface RequestLine {
  readonly method: string;
  readonly target: string;
  readonly form: Target;
  readonly version: '1.0' | '1.1';
  /** Offset of the first field line. */
  readonly next: number;
}

/** The request line in buf[0, end); undefined while it may still become valid. */
function scanRequestLine(buf: Buffer, end: number): RequestLine | Invalid | undefined {
  let i = 0;
  for (;; i++) { // method = token
    if (i >= end) return undefined;
    if (i >= HTTP_REQUEST_LINE_MAX) return invalid('not-http');
    const c = buf[i]!;
    if (c === SP && i > 0) break;
    // The first byte alone tells TLS (0x16) and most binary protocols apart.
    if (TCHAR[c] !== 1) return invalid(i === 0 ? 'not-http' : 'bad-method');
  }
  const method = buf.toString('latin1', 0, i);
  const targetStart = ++i;
  let hexLeft = 0; // hex digits still owed to a '%'
  for (;; i++) { // request-target
    if (i >= end) return undefined;
    if (i >= HTTP_REQUEST_LINE_MAX) return invalid('not-http');
    const c = buf[i]!;
    if (hexLeft > 0) {
      if (HEXDIG[c] !== 1) return invalid('bad-target');
      hexLeft--;
    } else if (c === SP) {
      break;
    } else if (TARGET_CHAR[c] !== 1) {
      return invalid('bad-target');
    } else if (c === PERCENT) {
      hexLeft = 2;
    }
  }
  if (i === targetStart) return invalid('bad-target');
  const target = buf.toString('latin1', targetStart, i);
  const form = parseTarget(method, target);
  if ('status' in form) return form;
  i++;
  for (let k = 0; k < VERSION_PREFIX.length; k++, i++) { // "HTTP/1."
    if (i >= end) return undefined;
    if (i >= HTTP_REQUEST_LINE_MAX) return invalid('not-http');
    if (buf[i] !== VERSION_PREFIX[k]) return invalid('bad-version');
  }
  if (i >= end) return undefined;
  if (i >= HTTP_REQUEST_LINE_MAX) return invalid('not-http');
  const minor = buf[i++];
  if (minor !== 0x30 && minor !== 0x31) return invalid('bad-version');
  const next = crlfAt(buf, i, end, 'bad-version');
  if (typeof next !== 'number') return next;
  return { method, target, form, version: minor === 0x30 ? '1.0' : '1.1', next };
}

/** The offset after a CRLF at `i`; `otherwise` when another byte is there; undefined if cut short. */
function crlfAt(buf: Buffer, i: number, end: number, otherwise: HttpInvalidReason): number | Invalid | undefined {
  if (i >= end) return undefined;
  const c = buf[i];
  if (c === LF) return invalid('bare-lf');
  if (c !== CR) return invalid(otherwise);
  if (i + 1 >= end) return undefined;
  return buf[i + 1] === LF ? i + 2 : invalid('bare-cr');
}

// ---- field lines: field-name ":" OWS field-value OWS CRLF, then an empty line ----

interface FieldLine {
  /** Lower case; undefined for the empty line that ends the head. */
  readonly name: string | undefined;
  readonly value: string;
  readonly next: number;
}

/** The field line (or final empty line) at `at`; undefined while it may still become valid. */
function scanFieldLine(buf: Buffer, at: number, end: number): FieldLine | Invalid | undefined {
  if (at >= end) return undefined;
  const first = buf[at]!;
  if (first === CR || first === LF) {
    const next = crlfAt(buf, at, end, 'bare-cr');
    return typeof next !== 'number' ? next : { name: undefined, value: '', next };
  }
  // A field line starting with whitespace is obs-fold (or, after the request line, a line RFC
  // 9112 lets us reject): both are smuggling vectors.
  if (first === SP || first === HTAB) return invalid('obs-fold');
  let i = at;
  while (i < end && TCHAR[buf[i]!] === 1) i++;
  if (i >= end) return undefined;
  const c = buf[i]!;
  if (c !== COLON || i === at) {
    return invalid(c === SP || c === HTAB ? 'space-before-colon' : c === LF ? 'bare-lf' : 'bad-header-name');
  }
  const nameEnd = i++;
  for (;; i++) {
    if (i >= end) return undefined;
    const v = buf[i]!;
    if (FIELD_CHAR[v] === 1) continue;
    if (v === CR) break;
    return invalid(v === LF ? 'bare-lf' : 'bad-header-value');
  }
  const next = crlfAt(buf, i, end, 'bad-header-value');
  if (typeof next !== 'number') return next;
  let from = nameEnd + 1;
  let to = i;
  while (from < to && isOws(buf[from]!)) from++;
  while (to > from && isOws(buf[to - 1]!)) to--;
  return { name: buf.toString('latin1', at, nameEnd).toLowerCase(), value: buf.toString('latin1', from, to), next };
}

function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}

// ---- request-target forms (RFC 9112 3.2) ----

interface Target {
  readonly path: string;
  readonly query: string;
  /** The authority's host (lower case, no port) for absolute-form and authority-form. */
  readonly authorityHost?: string;
}

/** Splits a target whose bytes already passed TARGET_CHAR and the '%' HEXDIG HEXDIG check. */
function parseTarget(method: string, target: string): Target | Invalid {
  if (target === '*') return method === 'OPTIONS' ? { path: '*', query: '' } : invalid('bad-target');
  if (method === 'CONNECT') { // authority-form: uri-host ":" port, nothing else
    const host = hostOf(target, true);
    return host === undefined || host === '' ? invalid('bad-target') : { path: '', query: '', authorityHost: host };
  }
  if (target.charCodeAt(0) === 0x2f) return splitPathQuery(target, 0, undefined); // origin-form
  // absolute-form: scheme "://" authority path-abempty [ "?" query ]
  let i = 0;
  while (i < target.length && isSchemeChar(target.charCodeAt(i), i === 0)) i++;
  if (i === 0 || !target.startsWith('://', i)) return invalid('bad-target');
  const authStart = i + 3;
  let authEnd = authStart;
  while (authEnd < target.length && target[authEnd] !== '/' && target[authEnd] !== '?') authEnd++;
  // userinfo is deprecated and a phishing vector (RFC 9110 4.2.4): reject it.
  const authority = target.slice(authStart, authEnd);
  const host = authority.includes('@') ? undefined : hostOf(authority, false);
  if (host === undefined || host === '') return invalid('bad-target');
  return splitPathQuery(target, authEnd, host);
}

function isSchemeChar(c: number, first: boolean): boolean {
  const alpha = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return alpha || (!first && ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e));
}

/** target[from..] as path and query; brackets belong in an authority only. */
function splitPathQuery(target: string, from: number, authorityHost: string | undefined): Target | Invalid {
  for (let i = from; i < target.length; i++) {
    const c = target.charCodeAt(i);
    if (c === 0x5b || c === 0x5d) return invalid('bad-target');
  }
  const q = target.indexOf('?', from);
  const path = target.slice(from, q < 0 ? target.length : q);
  const query = q < 0 ? '' : target.slice(q + 1);
  const form = { path: path === '' ? '/' : path, query };
  return authorityHost === undefined ? form : { ...form, authorityHost };
}

/**
 * The host of `uri-host [ ":" port ]` (RFC 3986), lower case, port stripped, brackets kept;
 * '' for an empty host; undefined when `s` is not one. `portRequired`: CONNECT's authority-form.
 */
function hostOf(s: string, portRequired: boolean): string | undefined {
  let hostEnd: number;
  if (s.charCodeAt(0) === 0x5b) { // IP-literal: IPv6 only, no zone id, no IPvFuture
    hostEnd = s.indexOf(']') + 1;
    if (hostEnd === 0 || !isIPv6Literal(s, 1, hostEnd - 1)) return undefined;
  } else {
    hostEnd = s.indexOf(':');
    if (hostEnd < 0) hostEnd = s.length;
    if (!isRegName(s, hostEnd)) return undefined;
  }
  if (hostEnd === s.length) return portRequired ? undefined : s.toLowerCase();
  if (s.charCodeAt(hostEnd) !== COLON || !isPort(s, hostEnd + 1, portRequired)) return undefined;
  return s.slice(0, hostEnd).toLowerCase();
}

function isIPv6Literal(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (HEXDIG[c] !== 1 && c !== COLON && c !== 0x2e) return false;
  }
  return to > from && net.isIPv6(s.slice(from, to));
}

function isRegName(s: string, to: number): boolean {
  for (let i = 0; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || REG_NAME_CHAR[c] !== 1) return false;
    if (c === PERCENT) {
      if (i + 2 >= to) return false;
      if (HEXDIG[s.charCodeAt(i + 1)] !== 1 || HEXDIG[s.charCodeAt(i + 2)] !== 1) return false;
      i += 2;
    }
  }
  return true;
}

/** port = *DIGIT (empty allowed unless required), at most 65535. */
function isPort(s: string, from: number, required: boolean): boolean {
  const n = s.length - from;
  if (n === 0) return !required;
  if (n > 5) return false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return Number(s.slice(from)) <= 65535;
}

// ---- whole-head checks: framing (smuggling) and Host ----

function buildHead(line: RequestLine, fields: ReadonlyArray<[string, string]>): HttpHead | Invalid {
  const headers = new Map<string, string[]>();
  for (const [name, value] of fields) {
    const values = headers.get(name);
    if (values === undefined) headers.set(name, [value]);
    else values.push(value);
  }
  const framing = checkFraming(headers, line.version);
  if (framing !== undefined) return framing;
  const host = resolveHost(headers.get('host'), line);
  if (typeof host === 'object') return host;
  return {
    method: line.method, target: line.target, path: line.form.path, query: line.form.query,
    version: line.version, host, headers, cookies: parseCookies(headers.get('cookie')),
  };
}

/** RFC 9112 6.1-6.3: one way to find the body's end, or the head is rejected. */
function checkFraming(headers: ReadonlyMap<string, string[]>, version: '1.0' | '1.1'): Invalid | undefined {
  const cl = headers.get('content-length');
  const te = headers.get('transfer-encoding');
  if (cl !== undefined && te !== undefined) return invalid('cl-and-te');
  // Stricter than the RFC: even identical repeated values ("5, 5", two lines) are refused.
  if (cl !== undefined && (cl.length !== 1 || !isDigits(cl[0]!, CONTENT_LENGTH_MAX_DIGITS))) {
    return invalid('bad-content-length');
  }
  // An HTTP/1.0 recipient cannot be trusted with Transfer-Encoding (RFC 9112 6.1: faulty framing).
  if (te !== undefined && (version === '1.0' || !isChunkedLast(te))) return invalid('bad-transfer-encoding');
  return undefined;
}

function isDigits(s: string, maxDigits: number): boolean {
  if (s.length === 0 || s.length > maxDigits) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Transfer-Encoding lists bare codings (no parameters), 'chunked' exactly once and last. */
function isChunkedLast(values: readonly string[]): boolean {
  const codings: string[] = [];
  for (const value of values) {
    for (const element of value.split(',')) {
      const coding = trimOws(element);
      if (coding === '') continue; // empty list elements are allowed (RFC 9110 5.6.1)
      if (!isToken(coding)) return false;
      codings.push(coding.toLowerCase());
    }
  }
  return codings.length > 0 && codings.indexOf('chunked') === codings.length - 1;
}

function isToken(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || TCHAR[c] !== 1) return false;
  }
  return s.length > 0;
}

/**
 * The host to route by. RFC 9112 3.2: HTTP/1.1 needs Host; several Host lines must agree (the RFC
 * rejects any repeat: identical repeats are tolerated here); a target with an authority wins over
 * Host, and since a client MUST then send the same host in Host, a differing one is refused.
 */
function resolveHost(values: readonly string[] | undefined, line: RequestLine): string | undefined | Invalid {
  let fromHeader: string | undefined;
  if (values !== undefined) {
    const first = values[0]!.toLowerCase();
    for (let i = 1; i < values.length; i++) if (values[i]!.toLowerCase() !== first) return invalid('multiple-host');
    fromHeader = hostOf(first, false);
    if (fromHeader === undefined) return invalid('bad-host');
  } else if (line.version === '1.1') {
    return invalid('missing-host');
  }
  const fromTarget = line.form.authorityHost;
  if (fromTarget === undefined) return fromHeader === '' ? undefined : fromHeader;
  if (fromHeader !== undefined && fromHeader !== fromTarget) return invalid('host-mismatch');
  return fromTarget;
}

/** `a=1; b=2` from every Cookie field; pairs without '=' or a name are skipped, not fatal. */
function parseCookies(values: readonly string[] | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const value of values ?? []) {
    for (const pair of value.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = trimOws(pair.slice(0, eq));
      if (name === '' || cookies.has(name)) continue;
      cookies.set(name, cookieText(pair.slice(eq + 1)));
    }
  }
  return cookies;
}

/**
 * A cookie's value as a sticky key: trimmed, without surrounding double quotes. The one reading
 * of it for the client's Cookie header here and the worker's Set-Cookie (in-worker/response-keys.ts),
 * so that the key a worker reports is the key the master looks up.
 */
export function cookieText(raw: string): string {
  const v = trimOws(raw);
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** Trims SP and HTAB only: String#trim would also eat latin1 0xA0 (NBSP), which is field content. */
export function trimOws(s: string): string {
  let from = 0;
  let to = s.length;
  while (from < to && isOws(s.charCodeAt(from))) from++;
  while (to > from && isOws(s.charCodeAt(to - 1))) to--;
  return s.slice(from, to);
}

// ---- query ----

/**
 * The first value of query parameter `name` (form encoding: '+' is a space, %XX is UTF-8), ''
 * when it has no '='; undefined when absent or when its value is malformed (bad %, bad UTF-8).
 * Parameters whose names are malformed never match.
 */
export function queryParam(head: HttpHead, name: string): string | undefined {
  if (head.query === '') return undefined;
  for (const pair of head.query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (decodeComponent(eq < 0 ? pair : pair.slice(0, eq)) !== name) continue;
    return eq < 0 ? '' : decodeComponent(pair.slice(eq + 1));
  }
  return undefined;
}

function decodeComponent(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
