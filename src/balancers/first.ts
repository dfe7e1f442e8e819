// First: the lowest-index eligible candidate, which packs connections onto as few
// workers as possible (HAProxy balance first); useful only with max set.
import { type Balancer, type Candidate, isEligible } from './balancer.js';

class FirstBalancer implements Balancer {
  readonly name = 'first';

  pick(candidates: readonly Candidate[]): number {
    for (let i = 0; i < candidates.length; i++) {
      if (isEligible(candidates[i]!)) return i;
    }
    return -1;
  }
}

/** Creates a "first" balancer; stateless, candidates are taken in list order. */
export function createFirst(): Balancer {
  return new FirstBalancer();
}
