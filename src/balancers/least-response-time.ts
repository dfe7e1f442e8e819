// Least response time: the lowest (active + 1) x latency / weight, ties taken in turn
// (NGINX Plus least_time, HAProxy's agent-informed weights). Latency comes from the master's
// heartbeats, so a worker whose event loop lags gets fewer new connections before it fails.
import { type Balancer, type Candidate, isEligible } from './balancer.js';

/** Latency assumed for a worker not measured yet, ms: about one idle IPC round trip. */
const UNKNOWN_LATENCY = 1;

class LeastResponseTimeBalancer implements Balancer {
  readonly name = 'least-response-time';
  readonly offer = 'idle-first';
  private start = 0;

  pick(candidates: readonly Candidate[]): number {
    const n = candidates.length;
    let i = this.start < n ? this.start : 0;
    let best = -1;
    let bestScore = Infinity;
    for (let step = 0; step < n; step++) {
      const c = candidates[i]!;
      if (isEligible(c)) {
        const latency = c.latency !== undefined && c.latency > 0 ? c.latency : UNKNOWN_LATENCY;
        const score = ((c.active + 1) * latency) / c.weight;
        if (score < bestScore) {
          best = i;
          bestScore = score;
        }
      }
      i = i + 1 < n ? i + 1 : 0;
    }
    if (best >= 0) this.start = best + 1;
    return best;
  }
}

/** Creates a least-response-time balancer; state is the scan start for tie rotation. */
export function createLeastResponseTime(): Balancer {
  return new LeastResponseTimeBalancer();
}
