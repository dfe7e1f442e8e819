// Fast non-cryptographic 32-bit hashing for consistent hashing: FNV-1a over UTF-16 code
// units, then a murmur3 finalizer, because FNV-1a alone spreads short similar keys
// (IP addresses differing in one digit) poorly over the low bits used for slots.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of a string, with an optional different offset basis to get an independent hash. */
export function fnv1a(text: string, basis: number = FNV_OFFSET): number {
  let h = basis | 0;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  }
  return h;
}

/** Murmur3's fmix32 finalizer: every input bit affects every output bit; unsigned result. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a client address, and of its port too when asked; allocates nothing. */
export function hashClient(address: string, port: number, includePort: boolean): number {
  let h = fnv1a(address);
  if (includePort) {
    // The port's two bytes, low first, continue the same FNV-1a stream.
    h = Math.imul(h ^ (port & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((port >>> 8) & 0xff), FNV_PRIME);
  }
  return mix32(h);
}
