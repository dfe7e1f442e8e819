// A listener's daemon group as its balancer sees it: one candidate per worker, plus the balancer.
// A listener with routing rules has one pool per group it routes to.
//
// Which workers a new connection may go to, before the balancer chooses among them. Every one
// is eligible (Worker.accepts: ready, serving the listener, healthy, weighted, not leaving) and
// below its maxConnections (the balancers' isEligible). Beyond that, by the balancer's `offer`:
// - 'responsive' (default): fewer than `window` hand-overs in flight, and none unanswered for
//   more than `slowAfterMs`. A process that has not answered for longer is busy or blocked (a
//   long synchronous handler): whatever is sent to it now waits as long as it does.
// - 'idle-first': responsive, and idle (nothing in flight) while any such worker is idle; else
//   taking connections right now: it has answered since its oldest hand-over in flight was
//   sent, or within the last `activeWithinMs`. A worker that stops answering gets no other
//   while another can take it: a process that blocks holds the connection sent to it as it
//   blocked (and what reached it within activeWithinMs of its last answer), as with Node's
//   cluster (its free list), and the window still serves workers that keep up under load. (Only
//   "answered since its oldest" would leave a worker that has caught up one connection per
//   round trip: about a fifth of the new-connection rate.)
// - 'eligible': every eligible worker, busy or not (affinity: a hashed client stays put); a
//   connection whose worker has a full window waits for it. Sticky keys are picked the same way.
// When none qualifies, the connection waits in the master's queue until a worker answers.
import { isEligible, type Balancer, type Candidate, type ClientInfo } from '../balancers/balancer.js';
import type { SourceHashBalancer } from '../balancers/source-hash.js';
import type { ConnectionTable } from '../table/connection-table.js';
import type { Worker } from './worker.js';

export interface PoolLimits {
  /** Hand-overs in flight to one worker, at most (config handoffWindow). */
  readonly window: number;
  /** A worker whose oldest hand-over has waited longer gets no other until it answers, ms. */
  readonly slowAfterMs: number;
  /** 'idle-first': a worker that answered within this many ms is taking connections now. */
  readonly activeWithinMs: number;
}

/** A worker as one listener's candidate, eligible as Worker.accepts says; fields read live state. */
class Member implements Candidate {
  constructor(readonly worker: Worker, protected readonly pool: Pool) {}
  get id(): number { return this.worker.id; }
  get weight(): number { return this.worker.weight; }
  get active(): number { return this.pool.table.activeCount(this.worker.id); }
  get max(): number { return this.worker.max; }
  get available(): boolean { return this.worker.accepts(this.pool.listener) && this.worker.id !== this.pool.avoided; }
  get latency(): number { return this.worker.process?.heartbeat.rttMs ?? 0; }
}

/** Eligible and responsive: room in its window, and its hand-overs answered in time. */
class Responsive extends Member {
  override get available(): boolean { return super.available && this.pool.responsive(this.worker); }
}

/** Responsive, and idle (or, in the pick's second pass, answering right now). */
class Idle extends Responsive {
  override get available(): boolean { return super.available && this.pool.idle(this.worker); }
}

/** The candidates and balancer of one group on one listener. */
export class Pool {
  private readonly list: Worker[] = [];
  /** Every eligible worker: UDP flows, which have no hand-overs. */
  private readonly eligibleMembers: Member[] = [];
  private readonly responsiveMembers: Responsive[] = [];
  private readonly idleMembers: Idle[] = [];
  private routedCount = 0;
  /** Set by each pick for its views: the clock, and which pass of an idle-first pick it is. */
  private pickNow = 0;
  private idleOnly = true;
  private avoid = 0;

  constructor(
    /** Position among all pools: also the pending-queue lane. */
    readonly index: number,
    readonly listener: number,
    readonly group: string,
    readonly balancer: Balancer,
    readonly table: ConnectionTable,
    private readonly limits: PoolLimits,
    /** Consistent hash for connections that carry a sticky key. */
    readonly sticky: SourceHashBalancer | undefined = undefined,
  ) {}

  /** The workers of the pool, in the order the balancer sees them. */
  get workers(): readonly Worker[] {
    return this.list;
  }

  /** Connections routed here by content (rules and the default alike). */
  get routed(): number {
    return this.routedCount;
  }

  countRouted(): void {
    this.routedCount++;
  }

  add(worker: Worker): void {
    if (this.list.includes(worker)) return;
    this.list.push(worker);
    this.eligibleMembers.push(new Member(worker, this));
    this.responsiveMembers.push(new Responsive(worker, this));
    this.idleMembers.push(new Idle(worker, this));
    this.weightsChanged();
  }

  remove(worker: Worker): void {
    const i = this.list.indexOf(worker);
    if (i < 0) return;
    this.list.splice(i, 1);
    this.eligibleMembers.splice(i, 1);
    this.responsiveMembers.splice(i, 1);
    this.idleMembers.splice(i, 1);
    this.weightsChanged();
  }

  /** A worker's weight changed (or the membership did): the balancer hears of it off the hot path. */
  weightsChanged(): void {
    this.balancer.weightsChanged?.(this.list.map((w) => w.weight));
  }

  /**
   * The worker for a new connection now, or undefined when it must wait; never worker `avoid`
   * (the one that just refused it).
   */
  pick(client: ClientInfo, now: number, avoid = 0): Worker | undefined {
    this.pickNow = now;
    this.avoid = avoid;
    const b = this.balancer;
    let i: number;
    switch (b.offer) {
      case 'eligible':
        i = b.pick(this.eligibleMembers, client);
        // Its worker's window is full: it waits for that worker rather than go to another.
        if (i >= 0 && !this.roomFor(this.list[i]!)) return undefined;
        break;
      case 'idle-first':
        this.idleOnly = true;
        i = b.pick(this.idleMembers, client);
        if (i < 0) {
          this.idleOnly = false;
          i = b.pick(this.idleMembers, client);
        }
        break;
      default:
        i = b.pick(this.responsiveMembers, client);
    }
    return i >= 0 ? this.list[i] : undefined;
  }

  /**
   * The worker a sticky key hashes to (or its key's next ones while that one cannot take it).
   * A session stays on its worker while it can take connections at all, busy or not.
   */
  pickSticky(client: ClientInfo, avoid = 0): Worker | undefined {
    this.avoid = avoid;
    const i = this.sticky!.pick(this.eligibleMembers, client);
    // Its worker's window is full: the session waits for that worker rather than go to another.
    return i >= 0 && this.roomFor(this.list[i]!) ? this.list[i] : undefined;
  }

  /**
   * For a session the master knows: worker `id` when its process `pid` (the one that created
   * the session) can take the connection now, drained or not; undefined when it could but its
   * window is full (the session waits for it); null when it cannot take connections at all
   * (down, unhealthy, full, removed, or `avoid`), or the session died with an earlier process:
   * the key is then hashed as if unknown.
   */
  pickOwner(id: number, pid: number, avoid = 0): Worker | undefined | null {
    for (let i = 0; i < this.list.length; i++) {
      const w = this.list[i]!;
      if (w.id !== id) continue;
      if (id === avoid || w.process?.pid !== pid || !w.acceptsSession(this.listener)) return null;
      if (w.max > 0 && this.table.activeCount(id) >= w.max) return null;
      return this.roomFor(w) ? w : undefined;
    }
    return null;
  }

  /** True when some worker could take a connection now were it not busy: a connection waits for it rather than for none. */
  hasEligible(): boolean {
    this.avoid = 0;
    for (const m of this.eligibleMembers) if (isEligible(m)) return true;
    return false;
  }

  /** The worker for a new UDP flow (datagrams have no hand-overs to wait for). */
  pickFlow(client: ClientInfo): Worker | undefined {
    this.avoid = 0;
    const i = this.balancer.pick(this.eligibleMembers, client);
    return i >= 0 ? this.list[i] : undefined;
  }

  /** For the views: the worker this pick must not return (0: none). */
  get avoided(): number {
    return this.avoid;
  }

  /** For the views: fewer than `window` hand-overs in flight. */
  roomFor(worker: Worker): boolean {
    return worker.process!.inFlight < this.limits.window;
  }

  /** For the views: room in the window, and nothing unanswered for longer than slowAfterMs. */
  responsive(worker: Worker): boolean {
    const p = worker.process!;
    return p.inFlight === 0 || (p.inFlight < this.limits.window && p.waited(this.pickNow) <= this.limits.slowAfterMs);
  }

  /** For the views: nothing in flight; in the second pass, or taking connections right now. */
  idle(worker: Worker): boolean {
    const p = worker.process!;
    return p.inFlight === 0 || (!this.idleOnly && (p.answeredSinceOldest || p.sinceAnswer(this.pickNow) <= this.limits.activeWithinMs));
  }
}
