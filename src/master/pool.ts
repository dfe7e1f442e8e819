// A listener's daemon group as its balancer sees it: one candidate per worker, plus the balancer.
import type { Balancer, Candidate } from '../balancers/balancer.js';
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

/** The candidates and balancer of one listener. */
export class Pool {
  readonly members: Member[];
  constructor(
    readonly listener: number,
    slots: readonly WorkerSlot[],
    readonly balancer: Balancer,
    table: ConnectionTable,
  ) {
    this.members = slots.map((s) => new Member(s, listener, table));
  }
}
