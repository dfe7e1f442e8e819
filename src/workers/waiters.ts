// Promises that settle when a condition over their owner's state holds: the one way a process
// tells whoever waits that it is ready, idle or gone. The owner calls check() after each change.

interface Waiter {
  /** The answer once there is one; undefined while the wait goes on. */
  readonly probe: () => unknown;
  readonly resolve: (answer: never) => void;
}

export class Waiters {
  private list: Waiter[] = [];

  /** Resolves with `probe`'s first answer other than undefined: at once when it has one now. */
  until<T>(probe: () => T | undefined): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve) => this.list.push({ probe, resolve: resolve as (answer: never) => void }));
  }

  /** Resolves once `test` holds: at once when it does now. */
  when(test: () => boolean): Promise<void> {
    return this.until(() => (test() ? true : undefined)) as Promise<unknown> as Promise<void>;
  }

  /** Waits still pending. */
  get size(): number {
    return this.list.length;
  }

  /** The owner's state changed: settles each wait whose probe now answers, in the order they began. */
  check(): void {
    if (this.list.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.list) {
      const answer = w.probe();
      if (answer === undefined) still.push(w);
      else w.resolve(answer as never);
    }
    this.list = still;
  }
}
