// A listener's daemon group as its balancer sees it: one candidate per worker, plus the balancer.
// A listener with routing rules has one pool per group it routes to.
import type { Balancer, Candidate } from '../balancers/balancer.js';
import type { SourceHashBalancer } from '../balancers/source-hash.js';
import type { ConnectionTable } from '../table/connection-table.js';
import type { WorkerSlot } from './worker-slot.js';

/** A worker as one listener's candidate; fields read live state, so nothing is rebuilt per pick. */
export class Member implements Candidate {
  constructor(
    readonly slot: WorkerSlot,
    private readonly listener: number,
    private readonly table: ConnectionTable,
  ) {}
  get id(): number { return this.slot.id; }
  get weight(): number { return this.slot.weight; }
  get active(): number { return this.table.activeCount(this.slot.id); }
  get max(): number { return this.slot.max; }
  get available(): boolean { return this.slot.accepts(this.listener); }
  get latency(): number { return this.slot.rttMs; }
}

/** The candidates and balancer of one group on one listener. */
export class Pool {
  readonly members: Member[];
  /** Connections routed here by content (rules and the default alike). */
  routed = 0;
  constructor(
    /** Position among all pools: the pending-queue lane. */
    readonly index: number,
    readonly listener: number,
    readonly group: string,
    slots: readonly WorkerSlot[],
    readonly balancer: Balancer,
    table: ConnectionTable,
    /** Consistent hash for connections that carry a sticky key. */
    readonly sticky: SourceHashBalancer | undefined = undefined,
  ) {
    this.members = slots.map((s) => new Member(s, listener, table));
  }
}
