// The one small interface every balancer implements. The dispatcher owns queueing:
// a balancer only answers "which candidate next", or -1 when none is eligible.

/** What a balancer may know about one worker of a listener's daemon group. */
export interface Candidate {
  /** Stable worker id (survives restarts of the same slot). */
  readonly id: number;
  /** Effective weight; 0 means draining: no new connections. */
  readonly weight: number;
  /** Active connections, from the master's connection record table. */
  readonly active: number;
  /** Maximum concurrent connections for this worker; 0 = unlimited. */
  readonly max: number;
  /** Up, ready for this listener, and healthy. */
  readonly available: boolean;
  /** Recent response time in ms (heartbeat round trip, which includes event-loop lag); 0 = unknown. */
  readonly latency?: number;
}

/** The client a connection comes from, for balancers that hash it. */
export interface ClientInfo {
  readonly address: string;
  readonly port: number;
  /** A sticky key from the content (cookie, header, query): hashed instead of the address. */
  readonly key?: string;
}

/** Picks the candidate index for one new connection, or -1 when none is eligible. */
export interface Balancer {
  readonly name: string;
  pick(candidates: readonly Candidate[], client: ClientInfo): number;
}

/** A user-supplied balancer: same contract as Balancer.pick. */
export type PickFunction = (candidates: readonly Candidate[], client: ClientInfo) => number;

/** Eligibility shared by every balancer: available, not draining, below its max. */
export function isEligible(c: Candidate): boolean {
  return c.available && c.weight > 0 && (c.max === 0 || c.active < c.max);
}
