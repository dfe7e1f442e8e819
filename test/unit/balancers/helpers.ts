// Shared test helpers for the balancer unit tests: candidate builders, a seeded PRNG and
// a pick loop that can simulate long-lived connections.
import type { Balancer, Candidate, ClientInfo } from '../../../src/balancers/balancer.js';

/** A mutable candidate, so that simulations can change active between picks. */
export interface TestCandidate {
  id: number;
  weight: number;
  active: number;
  max: number;
  available: boolean;
}

/** A candidate with defaults: weight 1, idle, unlimited, available; id = index when given. */
export function cand(fields: Partial<TestCandidate> = {}): TestCandidate {
  return { id: 0, weight: 1, active: 0, max: 0, available: true, ...fields };
}

/** A list of candidates with ids 0..n-1, each overridden by the matching entry of fields. */
export function cands(n: number, fields: readonly Partial<TestCandidate>[] = []): TestCandidate[] {
  return Array.from({ length: n }, (_, i) => cand({ id: i, ...fields[i] }));
}

/** mulberry32: a tiny seeded PRNG, so random balancers give reproducible sequences. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CLIENT: ClientInfo = { address: '192.0.2.1', port: 40000 };

/** Picks n times; with hold, each pick opens a connection that stays (active + 1). */
export function picks(b: Balancer, candidates: TestCandidate[], n: number, hold = false): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = b.pick(candidates as readonly Candidate[], CLIENT);
    if (hold && p >= 0) candidates[p]!.active++;
    out.push(p);
  }
  return out;
}

/** How many times each index appears in a pick list. */
export function counts(list: readonly number[], n: number): number[] {
  const out = new Array<number>(n).fill(0);
  for (const p of list) if (p >= 0) out[p]!++;
  return out;
}
