// The connections the master is reading (preread), oldest first, and how many it may read at
// once. Every read has the same time limit, so the oldest is the one that has been slowest to
// say what it wants (a slowloris), never the client that connected just now: past the cap, or
// when descriptors run short, the oldest are shed first and normal clients keep being served.

export class Reading {
  /** Insertion order is the order the reads began: the first entry is the oldest. */
  private readonly reads = new Map<number, () => void>();
  private cap = Infinity;

  get size(): number {
    return this.reads.size;
  }

  /** The most read at once (Infinity: no cap of its own; the descriptor budget still applies). */
  get limit(): number {
    return this.cap;
  }

  setLimit(n: number): void {
    this.cap = n;
  }

  /** True when a new read may begin only after the oldest is shed. */
  get full(): boolean {
    return this.reads.size >= this.cap;
  }

  /** Connection `id` is being read; `shed` ends its read now (it is then closed by its owner). */
  add(id: number, shed: () => void): void {
    this.reads.set(id, shed);
  }

  /** The read of `id` ended (decided, timed out, client gone, or shed). */
  remove(id: number): void {
    this.reads.delete(id);
  }

  /** Sheds the oldest read; false when there is none. */
  shedOldest(): boolean {
    const first = this.reads.entries().next();
    if (first.done === true) return false;
    const [id, shed] = first.value;
    this.reads.delete(id);
    shed();
    return true;
  }
}
