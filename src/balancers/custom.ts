// A user-supplied pick function behind the Balancer interface, so that a bad result or a
// throw from user code becomes "no pick" instead of crashing the master.
import { type Balancer, type Candidate, type ClientInfo, type PickFunction, isEligible } from './balancer.js';

/** A balancer wrapping a user PickFunction; counts the picks it had to reject. */
export class CustomBalancer implements Balancer {
  readonly name = 'custom';
  /** Picks that threw or returned something other than -1 or an eligible index. */
  errors = 0;
  /** The last error thrown, or a RangeError describing the last rejected result. */
  lastError: unknown = undefined;
  private readonly fn: PickFunction;

  constructor(fn: PickFunction) {
    if (typeof fn !== 'function') {
      throw new TypeError(`custom balancer: expected a pick function, got ${typeof fn}`);
    }
    this.fn = fn;
  }

  pick(candidates: readonly Candidate[], client: ClientInfo): number {
    const fn = this.fn; // called unbound: user code gets no handle on this balancer
    let result: unknown;
    try {
      result = fn(candidates, client);
    } catch (err) {
      this.errors++;
      this.lastError = err;
      return -1;
    }
    if (result === -1) return -1;
    if (
      typeof result === 'number' &&
      Number.isInteger(result) &&
      result >= 0 &&
      result < candidates.length &&
      isEligible(candidates[result]!)
    ) {
      return result;
    }
    this.errors++;
    // typeof, not String(): an object's own toString could throw again.
    const shown = typeof result === 'number' ? String(result) : typeof result;
    this.lastError = new RangeError(
      `custom balancer returned ${shown}; expected -1 or the index of an eligible candidate (0..${candidates.length - 1})`,
    );
    return -1;
  }
}

/** Wraps a user pick function; see CustomBalancer for how bad results are handled. */
export function createCustom(fn: PickFunction): CustomBalancer {
  return new CustomBalancer(fn);
}
