// Round-robin: the next eligible candidate after the last pick, regardless of load
// (IPVS rr, HAProxy roundrobin).
import { type Balancer, type Candidate, isEligible } from './balancer.js';

class RoundRobinBalancer implements Balancer {
  readonly name = 'round-robin';
  readonly offer = 'idle-first';
  // Index of the previous pick; -1 so that the first pick is candidate 0. Only the
  // position is kept, so a skipped candidate takes its turn again as soon as it is back.
  private last = -1;

  pick(candidates: readonly Candidate[]): number {
    const n = candidates.length;
    // The list may have shrunk since the last pick: restart from the top then.
    let i = this.last + 1 < n ? this.last + 1 : 0;
    for (let step = 0; step < n; step++) {
      if (isEligible(candidates[i]!)) {
        this.last = i;
        return i;
      }
      i = i + 1 < n ? i + 1 : 0;
    }
    return -1;
  }
}

/** Creates a round-robin balancer; state is the index of the last pick. */
export function createRoundRobin(): Balancer {
  return new RoundRobinBalancer();
}
