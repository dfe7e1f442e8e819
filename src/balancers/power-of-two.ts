// Power of two choices: two distinct eligible candidates at random, the less loaded one
// wins (Envoy least_request, HAProxy random(2), IPVS twos).
import { type Balancer, type Candidate, isEligible } from './balancer.js';
import { type RandomSource, checkRandom, drawBelow } from './random-source.js';

/** Options of the power-of-two balancer. */
export interface PowerOfTwoOptions {
  /** Source of floats in [0, 1); Math.random by default. */
  readonly random?: RandomSource;
}

class PowerOfTwoBalancer implements Balancer {
  readonly name = 'power-of-two';
  readonly offer = 'idle-first';
  constructor(private readonly random: RandomSource) {}

  pick(candidates: readonly Candidate[]): number {
    const n = candidates.length;
    let eligible = 0;
    let only = -1;
    for (let i = 0; i < n; i++) {
      if (isEligible(candidates[i]!)) {
        eligible++;
        only = i;
      }
    }
    if (eligible < 2) return only;
    // Ranks among eligible candidates; the second draw skips the first so they differ.
    const rankA = drawBelow(this.random, eligible);
    let rankB = drawBelow(this.random, eligible - 1);
    if (rankB >= rankA) rankB++;
    let a = -1;
    let b = -1;
    for (let i = 0, rank = 0; i < n && (a < 0 || b < 0); i++) {
      if (!isEligible(candidates[i]!)) continue;
      if (rank === rankA) a = i;
      else if (rank === rankB) b = i;
      rank++;
    }
    const ca = candidates[a]!;
    const cb = candidates[b]!;
    // Envoy's score weight / (active + 1), higher wins, cross-multiplied; unlike
    // active/weight it still prefers the heavier candidate when both are idle.
    return cb.weight * (ca.active + 1) > ca.weight * (cb.active + 1) ? b : a;
  }
}

/** Creates a power-of-two-choices balancer; stateless apart from the random source. */
export function createPowerOfTwo(options: PowerOfTwoOptions = {}): Balancer {
  return new PowerOfTwoBalancer(checkRandom(options.random));
}
