// The connections sent to one worker process and not yet answered, oldest first. The master
// keeps its copy of each until the answer, so a process that dies with some in flight loses
// none of them: they go to another worker.

/** What the window needs of a connection in flight. */
export interface InFlight {
  readonly id: number;
  /** ms timestamp: when it was sent. */
  readonly since: number;
}

export class HandoffWindow<T extends InFlight> {
  private readonly items: T[] = [];
  /** Per item: how many had been sent before it (a sequence, so order never depends on the clock). */
  private readonly order: number[] = [];
  private sent = 0;
  /** How many had been sent when the last answer came. */
  private answeredAfter = 0;
  private missed = false;

  /** Connections in flight. */
  get size(): number {
    return this.items.length;
  }

  /** The oldest connection in flight, if any. */
  get oldest(): T | undefined {
    return this.items[0];
  }

  /** The process missed the deadline of its oldest connection and has not answered since. */
  get stalled(): boolean {
    return this.missed;
  }

  /** ms the oldest connection has waited for its answer (0 with none in flight). */
  waited(now: number): number {
    const h = this.items[0];
    return h === undefined ? 0 : now - h.since;
  }

  push(h: T): void {
    this.items.push(h);
    this.order.push(this.sent++);
  }

  /**
   * The process has answered since its oldest connection in flight was sent: it is reading its
   * pipe. One that has not is busy or blocked, however recently it answered before.
   */
  get answeredSinceOldest(): boolean {
    return this.items.length === 0 || this.answeredAfter > this.order[0]!;
  }

  /**
   * The answer for connection `id`: takes it out and returns it (undefined if it is not in
   * flight here). Any answer shows the process is alive: it is no longer stalled.
   */
  take(id: number): T | undefined {
    const list = this.items;
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.id === id) {
        this.missed = false;
        this.answeredAfter = this.sent;
        if (i === 0) {
          this.order.shift();
          return list.shift();
        }
        this.order.splice(i, 1);
        return list.splice(i, 1)[0];
      }
    }
    return undefined;
  }

  /** Every connection in flight (the process is gone: whatever it was sent died with it). */
  takeAll(): T[] {
    this.missed = false;
    this.order.length = 0;
    return this.items.splice(0);
  }

  /** True the moment the oldest connection has waited longer than `deadline` ms. */
  missDeadline(now: number, deadline: number): boolean {
    if (this.missed || this.items.length === 0 || now - this.items[0]!.since <= deadline) return false;
    this.missed = true;
    return true;
  }
}
