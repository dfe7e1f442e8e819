// Every pool: one per listener and group it serves, kept in step with the registry's membership.
import { createBalancer } from '../balancers/index.js';
import { createSourceHash } from '../balancers/source-hash.js';
import type { Config } from '../config/types.js';
import type { ConnectionTable } from '../table/connection-table.js';
import { Pool, type PoolLimits } from './pool.js';
import type { Registry } from './registry.js';
import type { Worker } from './worker.js';

export class Pools {
  /** Every pool, by index (the pending queue's lanes). */
  readonly all: Pool[] = [];
  /** Per listener: its pools, the default group's first. */
  readonly byListener: ReadonlyArray<readonly Pool[]>;

  constructor(config: Config, registry: Registry, table: ConnectionTable, limits: PoolLimits) {
    this.byListener = config.listeners.map((l) => l.groups.map((name) => {
      const group = config.groups.find((g) => g.name === name)!;
      const sticky = l.content?.sticky ? createSourceHash() : undefined;
      const pool = new Pool(this.all.length, l.index, name, createBalancer(group.algorithm), table, limits, sticky);
      this.all.push(pool);
      return pool;
    }));
    for (const w of registry.workers) this.added(w);
    registry.subscribe(this);
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
