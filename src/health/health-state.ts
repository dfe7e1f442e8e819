// Rise/fall health of one worker, as HAProxy counts it: `fall` failed checks in a row make it
// unhealthy, `rise` good ones in a row make it healthy again. Pure: no timers, no I/O.

export interface HealthPolicy {
  readonly rise: number;
  readonly fall: number;
}

export class HealthState {
  healthy = true;
  private goodInRow = 0;
  private badInRow = 0;
  /** ms timestamp since when it has been unhealthy, or 0. */
  unhealthySince = 0;

  /** Records one check; returns true when the healthy flag changed. */
  record(ok: boolean, now: number, policy: HealthPolicy): boolean {
    if (ok) {
      this.badInRow = 0;
      this.goodInRow++;
      if (!this.healthy && this.goodInRow >= policy.rise) {
        this.healthy = true;
        this.unhealthySince = 0;
        return true;
      }
    } else {
      this.goodInRow = 0;
      this.badInRow++;
      if (this.healthy && this.badInRow >= policy.fall) {
        this.healthy = false;
        this.unhealthySince = now;
        return true;
      }
    }
    return false;
  }

  /** A new process starts healthy with a clean slate. */
  reset(): void {
    this.healthy = true;
    this.goodInRow = 0;
    this.badInRow = 0;
    this.unhealthySince = 0;
  }
}
