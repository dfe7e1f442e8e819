// Lifetime recycles of one group are spread out: one begins at least maxLifetimeJitter / workers
// ms after the group's previous one. The per-process jitter alone makes processes started
// together unlikely to be due together, not impossible, and two due at nearly the same moment
// would each leave the group one worker short in turn at once; spaced like this, a group's
// workers are all replaced within about one jitter, however their draws and the heartbeats fall.
// A process that is due waits (the next heartbeat asks again); other reasons are not spaced.

/** The spacing of a group's lifetime recycles, ms: its maxLifetimeJitter shared by its `workers`. */
export function lifetimeGap(maxLifetimeJitter: number, workers: number): number {
  return workers > 0 ? maxLifetimeJitter / workers : 0;
}

export class LifetimeSpacing {
  /** When each group's last lifetime recycle began, ms. */
  private readonly lastBegun = new Map<string, number>();

  /** ms before a lifetime recycle of `group` may begin, at `now`, with `gap` between two; 0: now. */
  wait(group: string, gap: number, now: number): number {
    const last = this.lastBegun.get(group);
    return last === undefined ? 0 : Math.max(0, last + gap - now);
  }

  /** A lifetime recycle of `group` began at `now`. */
  began(group: string, now: number): void {
    this.lastBegun.set(group, now);
  }
}
