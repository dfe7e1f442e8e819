// The client half of the table's 4-tuple key: IPv4 text to a uint32 and back, and a 32-bit
// hash of (address, port, listener, protocol). All of it runs once per connection, so nothing
// here allocates: the address is read with charCodeAt, hashes are Math.imul rounds.

const MAPPED_PREFIX = '::ffff:';
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const COLON = 58;

/**
 * The uint32 of a canonical dotted quad ("1.2.3.4": four decimal parts 0-255, no leading
 * zeros) starting at `start`, or -1. Canonical only, so the table can rebuild the exact text
 * from the number instead of keeping a string per record.
 */
export function parseIPv4(text: string, start = 0): number {
  const length = text.length - start;
  if (length < 7 || length > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= ZERO && c <= NINE) {
      if (digits > 0 && part === 0) return -1;
      part = part * 10 + (c - ZERO);
      if (part > 255) return -1;
      digits++;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + part;
}

/** The IPv4 uint32 of "a.b.c.d" or of its IPv4-mapped IPv6 form "::ffff:a.b.c.d", else -1. */
export function ipv4Of(text: string): number {
  // Node reports IPv4 clients of a dual-stack (::) listener in the mapped form; both forms
  // must give the same key so a lookup finds the record whichever form the caller holds.
  if (text.charCodeAt(0) === COLON) return text.startsWith(MAPPED_PREFIX) ? parseIPv4(text, MAPPED_PREFIX.length) : -1;
  return parseIPv4(text, 0);
}

/** True if the text is the mapped form, given that ipv4Of(text) >= 0. */
export function isMapped(text: string): boolean {
  return text.charCodeAt(0) === COLON;
}

/** Dotted-quad text of a uint32; `mapped` prefixes "::ffff:". */
export function formatIPv4(ip: number, mapped: boolean): string {
  const text = `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
  return mapped ? MAPPED_PREFIX + text : text;
}

// MurmurHash3's 32-bit mixing steps: cheap and good enough that sequential addresses and
// ports spread over the buckets (a plain ip ^ port would pile neighbours together).
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mix(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, C2);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Address hash of an IPv4 uint32. */
export function ipv4Hash(ip: number): number {
  return mix(0x5bd1e995, ip);
}

/** Address hash of any other address text (IPv6), FNV-1a over its UTF-16 code units. */
export function textHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** The int32 hash of a whole tuple, from an address hash and 16-bit port and listener. */
export function tupleHash(addressHash: number, port: number, listener: number, protocol: number): number {
  let h = mix(mix(addressHash, port | (listener << 16)), protocol);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
