// Weighted least-connections: the lowest active/weight, ties taken in turn
// (IPVS wlc, HAProxy leastconn, NGINX least_conn).
import { type Balancer, type Candidate, isEligible } from './balancer.js';

class LeastConnectionsBalancer implements Balancer {
  readonly name = 'least-connections';
  // Where the next scan starts: one past the last pick, so equally loaded candidates
  // are taken in turn instead of always the first of them.
  private start = 0;

  pick(candidates: readonly Candidate[]): number {
    const n = candidates.length;
    let i = this.start < n ? this.start : 0;
    let best = -1;
    let bestActive = 0;
    let bestWeight = 1;
    for (let step = 0; step < n; step++) {
      const c = candidates[i]!;
      // a/wa < b/wb as a*wb < b*wa: no division, exact for integer counts and weights.
      if (isEligible(c) && (best < 0 || c.active * bestWeight < bestActive * c.weight)) {
        best = i;
        bestActive = c.active;
        bestWeight = c.weight;
      }
      i = i + 1 < n ? i + 1 : 0;
    }
    if (best >= 0) this.start = best + 1;
    return best;
  }
}

/** Creates a least-connections balancer; state is the scan start for tie rotation. */
export function createLeastConnections(): Balancer {
  return new LeastConnectionsBalancer();
}
