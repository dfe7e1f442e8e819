// Maglev lookup table (Eisenbud et al., NSDI 2016): each candidate walks its own
// permutation of the M slots and the candidates take turns claiming their next free slot,
// so slots are shared almost evenly and removing one of N candidates moves about 1/N of
// the keys.
import { fnv1a, mix32 } from './hash.js';

/** Envoy's default table size; prime, and > 100 x N for up to 655 candidates. */
export const DEFAULT_TABLE_SIZE = 65537;

// A second FNV offset basis, so that skip is independent of offset.
const SKIP_BASIS = 0x9e3779b9;

/** True when n is a prime integer (trial division: table sizes are small and checked once). */
export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) {
    if (n % d === 0) return false;
  }
  return true;
}

/** Throws unless size can be a Maglev table size: a prime, so every skip walks all slots. */
export function checkTableSize(size: unknown): number {
  if (typeof size !== 'number' || !isPrime(size) || size > 0x7fffffff) {
    throw new RangeError(`balancer option tableSize: expected a prime number such as 65537, got ${String(size)}`);
  }
  return size;
}

/**
 * Builds the table: slot -> position in ids (-1 only when ids is empty). With weights,
 * a candidate claims a slot in a round only once its accumulated share weight/maxWeight
 * reaches a whole slot, so slot counts follow the weights ("population" approach); the
 * heaviest candidate claims every round. Without weights all claim every round.
 */
export function buildMaglevTable(ids: readonly number[], weights: readonly number[] | undefined, size: number): Int32Array {
  checkTableSize(size);
  const n = ids.length;
  if (weights !== undefined && weights.length !== n) {
    throw new RangeError(`buildMaglevTable: ${weights.length} weights for ${n} ids`);
  }
  const table = new Int32Array(size).fill(-1);
  if (n === 0) return table;

  const next = new Float64Array(n); // next slot of each candidate's permutation
  const skip = new Float64Array(n);
  const share = new Float64Array(n).fill(1);
  const credit = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // String(id) so that any number, not only small integers, hashes well.
    const key = String(ids[i]);
    next[i] = mix32(fnv1a(key)) % size;
    skip[i] = (mix32(fnv1a(key, SKIP_BASIS)) % (size - 1)) + 1;
  }
  if (weights !== undefined) {
    let max = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w > 0) || !Number.isFinite(w)) {
        throw new RangeError(`buildMaglevTable: weight ${w} of id ${ids[i]} must be a positive finite number`);
      }
      if (w > max) max = w;
    }
    for (let i = 0; i < n; i++) share[i] = weights[i]! / max;
  }

  let filled = 0;
  for (;;) {
    for (let i = 0; i < n; i++) {
      credit[i]! += share[i]!;
      if (credit[i]! < 1) continue;
      credit[i]! -= 1;
      // size is prime and skip in [1, size-1], so this walk reaches every slot and a
      // free one exists while filled < size.
      let slot = next[i]!;
      while (table[slot] !== -1) slot = (slot + skip[i]!) % size;
      table[slot] = i;
      next[i] = (slot + skip[i]!) % size;
      if (++filled === size) return table;
    }
  }
}
