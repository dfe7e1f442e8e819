// Random: a weight-proportional random eligible candidate (HAProxy random(1), Envoy random).
import { type Balancer, type Candidate, isEligible } from './balancer.js';
import { type RandomSource, checkRandom } from './random-source.js';

/** Options of the random balancer. */
export interface RandomOptions {
  /** Source of floats in [0, 1); Math.random by default. */
  readonly random?: RandomSource;
}

class RandomBalancer implements Balancer {
  readonly name = 'random';
  readonly offer = 'idle-first';
  constructor(private readonly random: RandomSource) {}

  pick(candidates: readonly Candidate[]): number {
    const n = candidates.length;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const c = candidates[i]!;
      if (isEligible(c)) total += c.weight;
    }
    if (total === 0) return -1;
    // Walk the cumulative weights rather than build them: no array per pick.
    let target = this.random() * total;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const c = candidates[i]!;
      if (!isEligible(c)) continue;
      target -= c.weight;
      if (target < 0) return i;
      last = i;
    }
    // Rounding (or a source returning 1) can run past the end: the last one owns that edge.
    return last;
  }
}

/** Creates a weighted random balancer; stateless apart from the random source. */
export function createRandom(options: RandomOptions = {}): Balancer {
  return new RandomBalancer(checkRandom(options.random));
}
