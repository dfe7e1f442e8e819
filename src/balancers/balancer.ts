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
  /**
   * Which workers a dispatch pool offers it as available (see workers/pool.ts); every one is
   * up, serving the listener, healthy and weighted:
   * - 'idle-first': those with nothing in flight first, else those answering right now, so that
   *   no connection queues behind a busy or blocked process while another can take it (Node's
   *   cluster keeps the same free list);
   * - 'responsive' (the default): those whose hand-overs are answered in time, with room in the
   *   window; `active` counts the hand-overs still in flight, so a load-aware pick sees them;
   * - 'eligible': all of them, busy or not: an affinity (a hashed client) stays put.
   */
  readonly offer?: 'idle-first' | 'responsive' | 'eligible';
  pick(candidates: readonly Candidate[], client: ClientInfo): number;
  /**
   * The candidates' weights changed (configured, set at run time, a worker added or removed),
   * in candidate order. Off the hot path: a balancer that depends on whether weights differ
   * decides here, not on every pick.
   */
  weightsChanged?(weights: readonly number[]): void;
}

/** A user-supplied balancer: same contract as Balancer.pick. */
export type PickFunction = (candidates: readonly Candidate[], client: ClientInfo) => number;

/** Eligibility shared by every balancer: available, not draining, below its max. */
export function isEligible(c: Candidate): boolean {
  return c.available && c.weight > 0 && (c.max === 0 || c.active < c.max);
}
