// Round-robin: the next eligible candidate after the last pick, regardless of load
// (IPVS rr, HAProxy roundrobin). Like HAProxy's roundrobin it obeys weights: while the
// candidates' weights above 0 differ, picks follow smooth weighted round-robin instead
// (weighted-round-robin.ts), so --weights 3,1 gives 3 of every 4 connections to the first.
import { type Balancer, type Candidate, type ClientInfo, isEligible } from './balancer.js';
import { createWeightedRoundRobin } from './weighted-round-robin.js';

class RoundRobinBalancer implements Balancer {
  readonly name = 'round-robin';
  readonly offer = 'idle-first';
  // Index of the previous pick; -1 so that the first pick is candidate 0. Only the
  // position is kept, so a skipped candidate takes its turn again as soon as it is back.
  private last = -1;
  /** Set while the weights differ: told by weightsChanged(), never worked out on a pick. */
  private weighted: Balancer | undefined;

  pick(candidates: readonly Candidate[], client: ClientInfo): number {
    if (this.weighted !== undefined) return this.weighted.pick(candidates, client);
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

  weightsChanged(weights: readonly number[]): void {
    // Weight 0 drains, which plain round-robin already heeds; only unequal positive weights count.
    let first = 0;
    let uniform = true;
    for (const w of weights) {
      if (w === 0) continue;
      if (first === 0) first = w;
      else if (w !== first) uniform = false;
    }
    if (uniform) this.weighted = undefined;
    else this.weighted ??= createWeightedRoundRobin();
  }
}

/** Creates a round-robin balancer; state is the index of the last pick (and, with unequal weights, a weighted one). */
export function createRoundRobin(): Balancer {
  return new RoundRobinBalancer();
}
