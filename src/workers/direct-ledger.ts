// Direct mode, one process: the connections it accepted itself, by its own (negative) numbers,
// mapped to their records; and which listeners' shared sockets it holds a copy of.

export class DirectLedger {
  private readonly seqs = new Map<number, number>();
  private readonly copies: boolean[] = [];
  private readonly since: number[] = [];
  private acceptedCount = 0;

  /** Connections this process accepted itself. */
  get accepted(): number {
    return this.acceptedCount;
  }

  /** Connections it accepted that are still open, as far as the master knows. */
  get open(): number {
    return this.seqs.size;
  }

  /** Counts one accept; `id` is its record, or -1 when the table could not record it. */
  accept(seq: number, id: number): void {
    this.acceptedCount++;
    if (id >= 0) this.seqs.set(seq, id);
  }

  /** The record of connection `seq`, if it is open. */
  recordOf(seq: number): number | undefined {
    return this.seqs.get(seq);
  }

  /** Connection `seq` closed: its record, if it had one. */
  close(seq: number): number | undefined {
    const id = this.seqs.get(seq);
    if (id !== undefined) this.seqs.delete(seq);
    return id;
  }

  /** The worker says it holds just `held`: forgets the numbers it no longer lists (their close reports were lost). */
  keepOnly(held: ReadonlySet<number>): void {
    for (const seq of this.seqs.keys()) if (!held.has(seq)) this.seqs.delete(seq);
  }

  /** Holds a copy of listener `l`'s shared socket. */
  holds(l: number): boolean {
    return this.copies[l] === true;
  }

  /** ms timestamp when it was last given listener `l`'s socket. */
  heldSince(l: number): number {
    return this.since[l] ?? 0;
  }

  given(l: number, now: number): void {
    this.copies[l] = true;
    this.since[l] = now;
  }

  taken(l: number): void {
    this.copies[l] = false;
  }
}
