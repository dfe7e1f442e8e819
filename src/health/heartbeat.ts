// One process's heartbeat: the ping in flight, and what the last answer said. Pure: the monitor
// sends, the process's messages answer.

export class Heartbeat {
  private seq = 0;
  private answeredSeq = 0;
  private sentAt = 0;
  private delay = 0;
  private rtt = 0;

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

  /** A ping numbered `seq` leaves now. */
  sent(seq: number, now: number): void {
    this.seq = seq;
    this.sentAt = now;
  }

  /** An answer to ping `seq` with the loop delay `delayMs`; false (and ignored) for any but the last ping. */
  answer(seq: number, delayMs: number, now: number): boolean {
    if (seq !== this.seq || this.answeredSeq === seq) return false;
    this.answeredSeq = seq;
    this.delay = delayMs;
    this.rtt = now - this.sentAt;
    return true;
  }
}
