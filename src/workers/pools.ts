// Every pool: one per listener and group it serves, kept in step with the registry's membership.
import { createBalancer } from '../balancers/index.js';
import { createSourceHash } from '../balancers/source-hash.js';
import type { Config, ListenerConfig } from '../config/types.js';
import type { ConnectionTable } from '../table/connection-table.js';
import { Pool, type PoolLimits } from './pool.js';
import type { Registry } from './registry.js';
import type { Worker } from './worker.js';

export class Pools {
  /** Every pool, by index (the pending queue's lanes). */
  readonly all: Pool[] = [];
  /** Per listener: its pools, the default group's first. */
  readonly byListener: ReadonlyArray<readonly Pool[]>;
  private readonly lists: Pool[][];

  constructor(private readonly config: Config, private readonly registry: Registry, private readonly table: ConnectionTable, private readonly limits: PoolLimits) {
    this.lists = config.listeners.map((l) => this.poolsOf(l));
    this.byListener = this.lists;
    for (const w of registry.workers) this.added(w);
    registry.subscribe(this);
  }

  /** A listener bound after start (on a worker's request): its pools, with their groups' workers. */
  addListener(l: ListenerConfig): void {
    const pools = this.poolsOf(l);
    this.lists.push(pools);
    for (const w of this.registry.workers) for (const p of pools) if (p.group === w.group.name) p.add(w);
  }

  private poolsOf(l: ListenerConfig): Pool[] {
    return l.groups.map((name) => {
      const group = this.config.groups.find((g) => g.name === name)!;
      const sticky = l.content?.sticky ? createSourceHash() : undefined;
      const pool = new Pool(this.all.length, l.index, name, createBalancer(group.algorithm), this.table, this.limits, sticky);
      this.all.push(pool);
      return pool;
    });
  }

  added(worker: Worker): void {
    for (const p of this.all) if (p.group === worker.group.name) p.add(worker);
  }

  removed(worker: Worker): void {
    for (const p of this.all) p.remove(worker);
  }

  /** `worker`'s weight changed: its pools' balancers hear of it. */
  weightChanged(worker: Worker): void {
    for (const p of this.all) if (p.group === worker.group.name) p.weightsChanged();
  }

  /** The default pool of listener `l`. */
  defaultOf(l: number): Pool {
    return this.byListener[l]![0]!;
  }
}
