// Source hash: the client address (or a sticky key from the content, when given) picks the
// candidate through a Maglev table, so a client keeps its worker and a worker leaving moves only about 1/N of the clients
// (IPVS mh, HAProxy source + hash-type consistent, NGINX hash ... consistent).
import { isEligible, type Balancer, type Candidate, type ClientInfo } from './balancer.js';
import { fnv1a, hashClient, mix32 } from './hash.js';
import { DEFAULT_TABLE_SIZE, buildMaglevTable, checkTableSize } from './maglev.js';

/** Options of the source-hash balancer. */
export interface SourceHashOptions {
  /** Maglev table size, a prime; 65537 by default. Keep it > 100 x the worker count. */
  readonly tableSize?: number;
  /** Hash address and port (spreads one client's connections); address only by default. */
  readonly includePort?: boolean;
}

// Membership follows configuration (weight), not momentary state: a worker that is restarting,
// stalled or full keeps its table entries and its clients fall through to the next entries
// until it is back, so a transient state never costs a table rebuild (7 ms at 8 workers).
// Infinite weights are left out because the table cannot give them a finite share.
function isMember(c: Candidate): boolean {
  return c.weight > 0 && c.weight !== Number.POSITIVE_INFINITY;
}

/** A consistent-hash balancer; `rebuilds` counts table builds, for tests and metrics. */
export class SourceHashBalancer implements Balancer {
  readonly name = 'source-hash';
  readonly offer = 'eligible';
  /** Times the table was built: once per change of the member set, never per pick. */
  rebuilds = 0;
  private readonly size: number;
  private readonly includePort: boolean;
  private table: Int32Array;
  // The member set the table was built for: candidates available with weight > 0, as
  // (candidate index, id, weight). At-max candidates stay members so their clients
  // wait for them (-1) rather than move.
  private readonly members: number[] = [];
  private readonly memberIds: number[] = [];
  private readonly memberWeights: number[] = [];

  constructor(options: SourceHashOptions = {}) {
    this.size = checkTableSize(options.tableSize ?? DEFAULT_TABLE_SIZE);
    const includePort = options.includePort ?? false;
    if (typeof includePort !== 'boolean') {
      throw new TypeError(`balancer option includePort: expected a boolean, got ${typeof includePort}`);
    }
    this.includePort = includePort;
    this.table = new Int32Array(0);
  }

  pick(candidates: readonly Candidate[], client: ClientInfo): number {
    if (!this.sameMembers(candidates)) this.rebuild(candidates);
    if (this.members.length === 0) return -1;
    const hash = client.key !== undefined ? mix32(fnv1a(client.key)) : hashClient(client.address, client.port, this.includePort);
    const slot = hash % this.size;
    const index = this.members[this.table[slot]!]!;
    if (isEligible(candidates[index]!)) return index;
    // The client's own worker cannot take it now: the next table entries decide, the same for
    // every connection of this client, until its worker is eligible again.
    let firstEligible = -1;
    for (let m = 0; m < this.members.length && firstEligible < 0; m++) {
      if (isEligible(candidates[this.members[m]!]!)) firstEligible = this.members[m]!;
    }
    if (firstEligible < 0) return -1;
    for (let step = 1; step < this.size; step++) {
      const next = this.members[this.table[(slot + step) % this.size]!]!;
      if (isEligible(candidates[next]!)) return next;
    }
    // Only members too light to own a table entry are eligible.
    return firstEligible;
  }

  // One allocation-free pass comparing the candidates with the cached member set.
  private sameMembers(candidates: readonly Candidate[]): boolean {
    const members = this.members;
    let m = 0;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      if (!isMember(c)) continue;
      if (m >= members.length || members[m] !== i || this.memberIds[m] !== c.id || this.memberWeights[m] !== c.weight) {
        return false;
      }
      m++;
    }
    return m === members.length;
  }

  private rebuild(candidates: readonly Candidate[]): void {
    this.members.length = 0;
    this.memberIds.length = 0;
    this.memberWeights.length = 0;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      if (!isMember(c)) continue;
      this.members.push(i);
      this.memberIds.push(c.id);
      this.memberWeights.push(c.weight);
    }
    // Equal weights give every member a full share each round: plain, unweighted Maglev.
    this.table = buildMaglevTable(this.memberIds, this.memberWeights, this.size);
    this.rebuilds++;
  }
}

/** Creates a source-hash balancer; state is the Maglev table and the member set it was built for. */
export function createSourceHash(options: SourceHashOptions = {}): SourceHashBalancer {
  return new SourceHashBalancer(options);
}
