// One process's heartbeat: the ping in flight, and what the last answer said. Pure: the monitor
// sends, the process's messages answer.

/** What a heartbeat answer says of the process's resources; -1 for a figure it did not give. */
export interface ReportedUsage {
  /** Resident set size, bytes. */
  readonly rss: number;
  /** V8 heap used, bytes. */
  readonly heapUsed: number;
  /** CPU seconds per second over the last interval (1 = one core busy). */
  readonly cpu: number;
}

const UNKNOWN: ReportedUsage = Object.freeze({ rss: -1, heapUsed: -1, cpu: -1 });

export class Heartbeat {
  private seq = 0;
  private answeredSeq = 0;
  private sentAt = 0;
  private delay = 0;
  private rtt = 0;
  private reported: ReportedUsage = UNKNOWN;

  /** A ping went out at least once. */
  get started(): boolean {
    return this.sentAt > 0;
  }

  /** The last ping has been answered. */
  get answered(): boolean {
    return this.answeredSeq === this.seq;
  }

  /** The event-loop delay the last answer reported, ms. */
  get loopDelayMs(): number {
    return this.delay;
  }

  /** The round trip of the last answered ping, ms. */
  get rttMs(): number {
    return this.rtt;
  }

  /** Resources the last answer reported (-1: not yet, or not said). */
  get usage(): ReportedUsage {
    return this.reported;
  }

  /** A ping with request id `seq` leaves now. */
  sent(seq: number, now: number): void {
    this.seq = seq;
    this.sentAt = now;
  }

  /** An answer to ping `seq` with the loop delay `delayMs`; false (and ignored) for any but the last ping. */
  answer(seq: number, delayMs: number, now: number, usage: ReportedUsage = UNKNOWN): boolean {
    if (seq !== this.seq || this.answeredSeq === seq) return false;
    this.answeredSeq = seq;
    this.delay = delayMs;
    this.rtt = now - this.sentAt;
    this.reported = usage;
    return true;
  }
}
