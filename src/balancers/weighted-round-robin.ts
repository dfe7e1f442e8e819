// Smooth weighted round-robin, as NGINX's ngx_http_upstream_get_peer: weights {5,1,1}
// give 0 0 1 0 2 0 0 instead of bursts of the heavy candidate.
import { type Balancer, type Candidate, isEligible } from './balancer.js';

class WeightedRoundRobinBalancer implements Balancer {
  readonly name = 'weighted-round-robin';
  readonly offer = 'idle-first';
  // Current weight per candidate index, and the id that index had when last seen:
  // if another worker now sits at that index, its state starts from zero.
  private current = new Float64Array(0);
  private ids = new Float64Array(0);

  pick(candidates: readonly Candidate[]): number {
    const n = candidates.length;
    if (n > this.current.length) this.grow(n);
    const current = this.current;
    const ids = this.ids;
    let total = 0;
    let best = -1;
    let bestWeight = 0;
    for (let i = 0; i < n; i++) {
      const c = candidates[i]!;
      if (ids[i] !== c.id) {
        ids[i] = c.id;
        current[i] = 0;
      }
      // Skipped as NGINX skips a peer that is down or full: its current weight waits,
      // bounded, for its return (a worker busy for a moment keeps its turn).
      if (!isEligible(c)) continue;
      const cw = (current[i] = current[i]! + c.weight);
      total += c.weight;
      // Strictly greater: ties go to the lowest index.
      if (best < 0 || cw > bestWeight) {
        best = i;
        bestWeight = cw;
      }
    }
    if (best >= 0) current[best] = bestWeight - total;
    return best;
  }

  // Runs only when the candidate list grows, never on an ordinary pick.
  private grow(n: number): void {
    const current = new Float64Array(n);
    const ids = new Float64Array(n).fill(Number.NaN);
    current.set(this.current);
    ids.set(this.ids);
    this.current = current;
    this.ids = ids;
  }
}

/** Creates a smooth weighted round-robin balancer; state is one current weight per index. */
export function createWeightedRoundRobin(): Balancer {
  return new WeightedRoundRobinBalancer();
}
