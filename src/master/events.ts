// The master's last lifecycle events, in a ring of fixed size: the newest overwrites the oldest.
// Lifecycle only (a process started, drained, exited...), never one per connection: at most a
// few per second, so a plain array of frozen objects is enough and memory stays bounded.
import type { EventKind, EventSubject, LifecycleEvent } from '../event-kinds.js';

/** Events a master keeps. */
export const EVENT_CAPACITY = 500;

/** What the master's readers see of its events: queries, never writes. */
export interface EventView {
  /** The seq of the newest event held, 0 before the first. */
  readonly last: number;
  /** Events held now (at most `capacity`). */
  readonly size: number;
  readonly capacity: number;
  /** The newest `limit` events, oldest first. */
  newest(limit: number): LifecycleEvent[];
  /**
   * The events after seq `since`, oldest first, at most `limit`. When the ring no longer holds
   * since + 1 it returns what it holds from its oldest: the reader sees the gap in seq.
   */
  after(since: number, limit: number): LifecycleEvent[];
}

/** The ring itself: only it writes its slots and counters; `add` is its one way in. */
export class EventRing implements EventView {
  private readonly slots: Array<LifecycleEvent | undefined>;
  private seq = 0;

  constructor(readonly capacity: number = EVENT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity: expected a whole number >= 1, got ${capacity}`);
    this.slots = new Array<LifecycleEvent | undefined>(capacity).fill(undefined);
  }

  get last(): number {
    return this.seq;
  }

  /** A view of this ring that cannot write it, for readers outside the master. */
  view(): EventView {
    const ring = this;
    return Object.freeze({
      get last() { return ring.last; },
      get size() { return ring.size; },
      capacity: ring.capacity,
      newest: (limit: number) => ring.newest(limit),
      after: (since: number, limit: number) => ring.after(since, limit),
    });
  }

  get size(): number {
    return Math.min(this.seq, this.capacity);
  }

  /** Records an event (at `at`, ms since the epoch) and returns it. */
  add(kind: EventKind, message: string, about: EventSubject | undefined, at: number): LifecycleEvent {
    const seq = ++this.seq;
    const event: LifecycleEvent = Object.freeze({
      seq,
      at,
      kind,
      // One line, whatever the text it came from (an error's message may have several).
      message: message.includes('\n') ? message.replace(/\s*\n\s*/g, ' ') : message,
      ...(about?.worker !== undefined ? { worker: about.worker } : {}),
      ...(about?.pid !== undefined ? { pid: about.pid } : {}),
      ...(about?.group !== undefined ? { group: about.group } : {}),
    });
    this.slots[(seq - 1) % this.capacity] = event;
    return event;
  }

  newest(limit: number): LifecycleEvent[] {
    return this.range(Math.max(this.oldest, this.seq - limit + 1), limit);
  }

  after(since: number, limit: number): LifecycleEvent[] {
    return this.range(Math.max(this.oldest, since + 1), limit);
  }

  /** The seq of the oldest event held (1 more than `last` when none is). */
  private get oldest(): number {
    return this.seq - this.size + 1;
  }

  /** Up to `limit` events from seq `from` on. */
  private range(from: number, limit: number): LifecycleEvent[] {
    const to = Math.min(this.seq, from + limit - 1);
    const out: LifecycleEvent[] = [];
    for (let s = from; s <= to; s++) out.push(this.slots[(s - 1) % this.capacity]!);
    return out;
  }
}
