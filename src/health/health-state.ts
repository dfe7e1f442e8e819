// Rise/fall health of one worker, as HAProxy counts it: `fall` failed checks in a row make it
// unhealthy, `rise` good ones in a row make it healthy again. Pure: no timers, no I/O.

export interface HealthPolicy {
  readonly rise: number;
  readonly fall: number;
}

export class HealthState {
  private isHealthy = true;
  private goodInRow = 0;
  private badInRow = 0;
  private since = 0;

  get healthy(): boolean {
    return this.isHealthy;
  }

  /** ms timestamp since when it has been unhealthy, or 0. */
  get unhealthySince(): number {
    return this.since;
  }

  /** Records one check; returns true when the healthy flag changed. */
  record(ok: boolean, now: number, policy: HealthPolicy): boolean {
    if (ok) {
      this.badInRow = 0;
      this.goodInRow++;
      if (!this.isHealthy && this.goodInRow >= policy.rise) {
        this.isHealthy = true;
        this.since = 0;
        return true;
      }
    } else {
      this.goodInRow = 0;
      this.badInRow++;
      if (this.isHealthy && this.badInRow >= policy.fall) {
        this.isHealthy = false;
        this.since = now;
        return true;
      }
    }
    return false;
  }
}
