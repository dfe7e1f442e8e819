// The master's connection record table (the patent's Figure 10): one row per connection, from
// accept to close. Rows are stored as columns indexed by slot (struct of arrays), so a million
// records cost under 100 bytes each and add, assign, establish, remove and lookup allocate
// nothing: no object per record, no Map entry (the 4-tuple index is a hash table in typed
// arrays too).
//
// Record ids encode the slot and the slot's generation: id = generation * 2**24 + slot.
// At most 2**24 (16,777,216) slots; generations run 1 .. 2**29 - 1 and then wrap to 1, so an
// id is a positive safe integer (< 2**53) and never 0. Removing a record bumps its slot's
// generation, so an id kept by a worker after the slot was reused no longer matches. Ids come
// back from other processes: every method validates them and answers false, -1 or undefined,
// never throws.

import { STATE_NAMES, State, type ConnectionRecord, type Protocol, type RecordFilter } from './types.js';
import { NONE, grown } from './columns.js';
import { StateCounts } from './state-counts.js';
import { TupleIndex } from './tuple-index.js';
import { formatIPv4, ipv4Hash, ipv4Of, isMapped, textHash, tupleHash } from './tuple-key.js';
import { WorkerLists, isWorker } from './worker-lists.js';

export { MAX_WORKER } from './worker-lists.js';

/** Slots per generation in a record id, which is also the table's maximum size. */
export const SLOT_LIMIT = 2 ** 24;
/** Generations wrap before this, keeping ids within Number.MAX_SAFE_INTEGER. */
export const GENERATION_LIMIT = 2 ** 29;

/** Options of a ConnectionTable. */
export interface ConnectionTableOptions {
  /** Slots allocated up front (rounded up to a power of two); the table doubles when full. Default 1024. */
  readonly initialCapacity?: number;
}

/** Ages after which sweep() gives up on a record that never reached a worker. */
export interface SweepOptions {
  /** A queued record older than this (since accept) is stale. */
  readonly queuedMaxAgeMs: number;
  /** A handing-over record older than this (since its last assign) is stale. */
  readonly handingOverMaxAgeMs: number;
}

/** State of an unused slot. */
const FREE = 255;
const TCP = 0;
const UDP = 1;

/** How a record's client address is kept: IPv4 ones only as a uint32, the text rebuilt on demand. */
const enum Kind {
  IPv4 = 0,
  /** "::ffff:a.b.c.d" */
  Mapped = 1,
  /** Any other text (IPv6), kept as given. */
  Text = 2,
}

function isUint16(n: number): boolean {
  return (n & 0xffff) === n;
}

function isState(n: number): n is State {
  return n === State.Queued || n === State.HandingOver || n === State.Established;
}

/** The connection record table: columns by slot, a 4-tuple hash index, per-worker lists and counts. */
export class ConnectionTable {
  #capacity: number;
  /** Slots below this have been used at least once; above it they are untouched. */
  #top = 0;
  #size = 0;

  // One entry per slot.
  #state: Uint8Array;
  #protocol: Uint8Array;
  #kind: Uint8Array;
  #pid: Int32Array;
  #listener: Uint16Array;
  #clientPort: Uint16Array;
  #ipv4: Uint32Array;
  #acceptedAt: Float64Array;
  /** When the current hand-over started (the last assign), for sweep. */
  #assignedAt: Float64Array;
  #handedOverAt: Float64Array;
  /** Last datagram either way (UDP flows, which expire when idle); acceptedAt until touched. */
  #lastActiveAt: Float64Array;
  #generation: Uint32Array;
  /** Text of Kind.Text addresses only; '' otherwise. */
  #address: string[];

  // Free slots, a stack: the most recently freed slot is reused first (warm in cache).
  #free: Int32Array;
  #freeCount = 0;

  #index: TupleIndex;
  #workers: WorkerLists;
  #counts = new StateCounts();
  #udp = 0;

  constructor(options: ConnectionTableOptions = {}) {
    const wanted = Math.min(Math.max(options.initialCapacity || 1024, 8), SLOT_LIMIT);
    const capacity = 2 ** Math.ceil(Math.log2(wanted));
    this.#capacity = capacity;
    this.#state = new Uint8Array(capacity);
    this.#protocol = new Uint8Array(capacity);
    this.#kind = new Uint8Array(capacity);
    this.#pid = new Int32Array(capacity);
    this.#listener = new Uint16Array(capacity);
    this.#clientPort = new Uint16Array(capacity);
    this.#ipv4 = new Uint32Array(capacity);
    this.#acceptedAt = new Float64Array(capacity);
    this.#assignedAt = new Float64Array(capacity);
    this.#handedOverAt = new Float64Array(capacity);
    this.#lastActiveAt = new Float64Array(capacity);
    this.#generation = new Uint32Array(capacity).fill(1);
    this.#address = [];
    for (let i = 0; i < capacity; i++) this.#address.push('');
    this.#free = new Int32Array(capacity);
    this.#index = new TupleIndex(capacity);
    this.#workers = new WorkerLists(capacity);
  }

  /** Number of records. */
  get size(): number {
    return this.#size;
  }

  /** Records of the listener in the state; 0 for a listener that has none. O(1). */
  countIn(listener: number, state: State): number {
    return this.#counts.of(listener, state);
  }

  /** 1 + the highest listener index a record has had: the listeners countIn can name. */
  get listenerSpan(): number {
    return this.#counts.span;
  }

  /** UDP records (flows); the others are TCP. */
  get udpCount(): number {
    return this.#udp;
  }

  /**
   * When the oldest record was accepted (epoch ms), or -1 for an empty table. Nothing keeps
   * records in accept order, so this reads every used slot: O(capacity), for a status page
   * that asks at most once a second, never for the hot path.
   */
  oldestAcceptedAt(): number {
    let oldest = Infinity;
    const state = this.#state;
    const acceptedAt = this.#acceptedAt;
    for (let s = 0; s < this.#top; s++) if (state[s] !== FREE && acceptedAt[s] < oldest) oldest = acceptedAt[s];
    return oldest === Infinity ? NONE : oldest;
  }

  /** Slots allocated; grows by doubling. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Adds a record with no worker and returns its id, or -1 when the table holds SLOT_LIMIT records. */
  add(protocol: Protocol, clientAddress: string, clientPort: number, listener: number, state: State, now: number): number {
    // Port and listener go into 16-bit columns: out of range would silently corrupt the key.
    if (!isUint16(clientPort)) throw new RangeError(`clientPort: expected an integer 0-65535, got ${clientPort}`);
    if (!isUint16(listener)) throw new RangeError(`listener: expected an integer 0-65535, got ${listener}`);
    if (!isState(state)) throw new RangeError(`state: expected 0-3, got ${state}`);
    let slot: number;
    if (this.#freeCount > 0) {
      slot = this.#free[--this.#freeCount];
    } else {
      if (this.#top === this.#capacity && !this.#grow()) return -1;
      slot = this.#top++;
    }
    const proto = protocol === 'udp' ? UDP : TCP;
    // socket.remoteAddress is undefined once the client has gone, and a direct-mode worker reports
    // its accepts without the client (learned when first read, see setClient): keep the record
    // with the address '', outside the tuple index (no tuple to find it by).
    if (typeof clientAddress !== 'string') clientAddress = '';
    const ip = ipv4Of(clientAddress);
    if (ip >= 0) {
      this.#kind[slot] = isMapped(clientAddress) ? Kind.Mapped : Kind.IPv4;
      this.#ipv4[slot] = ip;
    } else {
      this.#kind[slot] = Kind.Text;
      this.#address[slot] = clientAddress;
    }
    this.#state[slot] = state;
    this.#protocol[slot] = proto;
    this.#workers.clear(slot);
    this.#pid[slot] = 0;
    this.#listener[slot] = listener;
    this.#clientPort[slot] = clientPort;
    this.#acceptedAt[slot] = now;
    this.#assignedAt[slot] = now;
    this.#handedOverAt[slot] = 0;
    this.#lastActiveAt[slot] = now;
    this.#counts.add(listener, state);
    if (proto === UDP) this.#udp++;
    // An older record of the same tuple may still be live (its close not reported yet): the
    // index puts the new one first, and removing either leaves the other indexed.
    if (clientAddress !== '') this.#index.insert(slot, tupleHash(ip >= 0 ? ipv4Hash(ip) : textHash(clientAddress), clientPort, listener, proto));
    this.#size++;
    return this.#generation[slot] * SLOT_LIMIT + slot;
  }

  /** Removes a record; false for a stale or unknown id. */
  remove(id: number): boolean {
    const slot = this.#slot(id);
    if (slot === NONE) return false;
    this.#release(slot);
    return true;
  }

  /**
   * Replaces a record's client address and port (the PROXY protocol names the real client
   * after accept), keeping the 4-tuple index right. False for a stale id or a bad port.
   */
  setClient(id: number, clientAddress: string, clientPort: number): boolean {
    const slot = this.#slot(id);
    if (slot === NONE || !isUint16(clientPort) || typeof clientAddress !== 'string') return false;
    if (this.#indexed(slot)) this.#index.remove(slot);
    const ip = ipv4Of(clientAddress);
    if (ip >= 0) {
      this.#kind[slot] = isMapped(clientAddress) ? Kind.Mapped : Kind.IPv4;
      this.#ipv4[slot] = ip;
      this.#address[slot] = '';
    } else {
      this.#kind[slot] = Kind.Text;
      this.#address[slot] = clientAddress;
    }
    this.#clientPort[slot] = clientPort;
    const proto = this.#protocol[slot];
    if (clientAddress !== '') this.#index.insert(slot, tupleHash(ip >= 0 ? ipv4Hash(ip) : textHash(clientAddress), clientPort, this.#listener[slot], proto));
    return true;
  }

  /** False while a record's client address is unknown (''): reported without it, or already gone. */
  clientKnown(id: number): boolean {
    const slot = this.#slot(id);
    return slot !== NONE && this.#indexed(slot);
  }

  /** True if the id names a live record. */
  has(id: number): boolean {
    return this.#slot(id) !== NONE;
  }

  /** Records activity on a live record (a UDP datagram); false for a stale id. One store, no allocation. */
  touch(id: number, now: number): boolean {
    const slot = this.#slot(id);
    if (slot === NONE) return false;
    this.#lastActiveAt[slot] = now;
    return true;
  }

  /** When the record last saw activity (acceptedAt until touched), or -1 for no such record. */
  lastActiveOf(id: number): number {
    const slot = this.#slot(id);
    return slot === NONE ? NONE : this.#lastActiveAt[slot];
  }

  /** The record's protocol, or undefined for no such record. */
  protocolOf(id: number): Protocol | undefined {
    const slot = this.#slot(id);
    if (slot === NONE) return undefined;
    return this.#protocol[slot] === UDP ? 'udp' : 'tcp';
  }

  /** Gives the record to a worker (moving its count from a previous one): state HandingOver. */
  assign(id: number, worker: number, pid: number, now: number = Date.now()): boolean {
    const slot = this.#slot(id);
    if (slot === NONE || !isWorker(worker)) return false;
    if (this.#workers.workerOf(slot) !== worker) {
      this.#workers.detach(slot);
      this.#workers.attach(slot, worker);
    }
    this.#pid[slot] = pid;
    this.#counts.move(this.#listener[slot], this.#state[slot], State.HandingOver);
    this.#state[slot] = State.HandingOver;
    this.#assignedAt[slot] = now;
    return true;
  }

  /**
   * Moves every record of worker `from` to worker `to`, keeping state, pid and times: a process
   * retired by a rolling reload keeps its connections under a key of its own. With `only`, just
   * that protocol's records move. Returns how many.
   */
  rekeyWorker(from: number, to: number, only?: Protocol): number {
    if (!isWorker(from) || !isWorker(to) || from === to) return 0;
    const proto = only === undefined ? NONE : only === 'udp' ? UDP : TCP;
    const slots: number[] = [];
    this.forEachOfWorker(from, (id) => {
      const slot = this.#slot(id);
      if (proto === NONE || this.#protocol[slot] === proto) slots.push(slot);
    });
    for (const slot of slots) {
      this.#workers.detach(slot);
      this.#workers.attach(slot, to);
    }
    return slots.length;
  }

  /** Takes the record back from its worker (a failed hand-over, to be dispatched again): state Queued. */
  unassign(id: number): boolean {
    const slot = this.#slot(id);
    if (slot === NONE) return false;
    this.#workers.detach(slot);
    this.#pid[slot] = 0;
    this.#counts.move(this.#listener[slot], this.#state[slot], State.Queued);
    this.#state[slot] = State.Queued;
    return true;
  }

  /** The worker took the connection: state Established. */
  establish(id: number, now: number): boolean {
    const slot = this.#slot(id);
    if (slot === NONE) return false;
    this.#counts.move(this.#listener[slot], this.#state[slot], State.Established);
    this.#state[slot] = State.Established;
    this.#handedOverAt[slot] = now;
    return true;
  }

  /** Sets the state; Queued also unassigns, since a queued record belongs to no worker. */
  setState(id: number, state: State): boolean {
    if (!isState(state)) return false;
    if (state === State.Queued) return this.unassign(id);
    const slot = this.#slot(id);
    if (slot === NONE) return false;
    this.#counts.move(this.#listener[slot], this.#state[slot], state);
    this.#state[slot] = state;
    return true;
  }

  /** The record's worker, or -1 (none, or no such record). */
  workerOf(id: number): number {
    const slot = this.#slot(id);
    return slot === NONE ? NONE : this.#workers.workerOf(slot);
  }

  /** The record's state, or -1 for no such record. */
  stateOf(id: number): State | -1 {
    const slot = this.#slot(id);
    return slot === NONE ? NONE : (this.#state[slot] as State);
  }

  /** The record's listener index, or -1 for no such record. */
  listenerOf(id: number): number {
    const slot = this.#slot(id);
    return slot === NONE ? NONE : this.#listener[slot];
  }

  /** The record's slot, or -1 for a stale or unknown id. */
  slotOf(id: number): number {
    return this.#slot(id);
  }

  /** Records assigned to the worker, in any state but Queued. */
  activeCount(worker: number): number {
    return this.#workers.count(worker);
  }

  /** The id of the newest live record with this 4-tuple, or -1. The listener stands for the cluster address and port. */
  lookup(protocol: Protocol, clientAddress: string, clientPort: number, listener: number): number {
    if ((protocol !== 'tcp' && protocol !== 'udp') || typeof clientAddress !== 'string') return NONE;
    if (!isUint16(clientPort) || !isUint16(listener)) return NONE;
    const proto = protocol === 'udp' ? UDP : TCP;
    const ip = ipv4Of(clientAddress);
    const hash = tupleHash(ip >= 0 ? ipv4Hash(ip) : textHash(clientAddress), clientPort, listener, proto);
    for (let s = this.#index.first(hash); s !== NONE; s = this.#index.next(s)) {
      if (
        this.#index.hashOf(s) === hash &&
        this.#clientPort[s] === clientPort &&
        this.#listener[s] === listener &&
        this.#protocol[s] === proto &&
        (ip >= 0 ? this.#kind[s] !== Kind.Text && this.#ipv4[s] === ip : this.#kind[s] === Kind.Text && this.#address[s] === clientAddress)
      ) {
        return this.#id(s);
      }
    }
    return NONE;
  }

  /** Calls fn with the id of each record of the worker, newest first. fn may remove the record it is given, not others. */
  forEachOfWorker(worker: number, fn: (id: number) => void): void {
    for (let s = this.#workers.first(worker); s !== NONE; ) {
      const next = this.#workers.next(s);
      fn(this.#id(s));
      s = next;
    }
  }

  /** Removes every record of the worker (it died) and returns their ids. */
  purgeWorker(worker: number): number[] {
    const ids: number[] = [];
    for (let s = this.#workers.first(worker); s !== NONE; ) {
      const next = this.#workers.next(s);
      ids.push(this.#id(s));
      this.#release(s);
      s = next;
    }
    return ids;
  }

  /** A copy of one record, or undefined. */
  get(id: number): ConnectionRecord | undefined {
    const slot = this.#slot(id);
    return slot === NONE ? undefined : this.#record(slot);
  }

  /** Copies of the records matching every field of the filter, in slot order, at most `limit`. For admin queries: O(capacity). */
  list(filter: RecordFilter = {}, limit = Infinity): ConnectionRecord[] {
    const out: ConnectionRecord[] = [];
    const { worker, listener, protocol, clientAddress } = filter;
    const state = filter.state === undefined ? NONE : STATE_NAMES.indexOf(filter.state);
    if (filter.state !== undefined && state === NONE) return out;
    const proto = protocol === undefined ? NONE : protocol === 'udp' ? UDP : TCP;
    if (protocol !== undefined && protocol !== 'udp' && protocol !== 'tcp') return out;
    // An IPv4 filter matches both the plain and the mapped form, as lookup does.
    const ip = clientAddress === undefined ? NONE : ipv4Of(clientAddress);
    for (let s = 0; s < this.#top && out.length < limit; s++) {
      if (this.#state[s] === FREE) continue;
      if (state !== NONE && this.#state[s] !== state) continue;
      if (worker !== undefined && this.#workers.workerOf(s) !== worker) continue;
      if (listener !== undefined && this.#listener[s] !== listener) continue;
      if (proto !== NONE && this.#protocol[s] !== proto) continue;
      if (clientAddress !== undefined) {
        const match = ip >= 0 ? this.#kind[s] !== Kind.Text && this.#ipv4[s] === ip : this.#kind[s] === Kind.Text && this.#address[s] === clientAddress;
        if (!match) continue;
      }
      out.push(this.#record(s));
    }
    return out;
  }

  /**
   * Removes records that never reached a worker: queued longer than queuedMaxAgeMs since
   * accept, or handing over longer than handingOverMaxAgeMs since their last assign. Each is
   * reported to onStale (to close its socket) before removal. Returns how many. O(capacity).
   */
  sweep(now: number, options: SweepOptions, onStale?: (id: number) => void): number {
    let removed = 0;
    for (let s = 0; s < this.#top; s++) {
      const state = this.#state[s];
      const stale =
        (state === State.Queued && now - this.#acceptedAt[s] > options.queuedMaxAgeMs) ||
        (state === State.HandingOver && now - this.#assignedAt[s] > options.handingOverMaxAgeMs);
      if (!stale) continue;
      const id = this.#id(s);
      onStale?.(id);
      // onStale may have removed the record itself (and even reused the slot).
      if (this.#slot(id) === s) this.#release(s);
      removed++;
    }
    return removed;
  }

  /**
   * The worker says which ids it still holds: removes its Established TCP records
   * not among them (their close reports were lost). Returns how many. UDP flows are never held
   * by a worker (the master keeps them and expires them when idle), so they are left alone.
   * HandingOver records are kept:
   * IPC is ordered, so a connection the worker took before answering was acked (Established)
   * before this answer arrives, and one still HandingOver was sent after the worker answered.
   */
  reconcile(worker: number, heldIds: Iterable<number>): number {
    // A missing list means "unknown", not "holds nothing": never purge on bad input.
    if (heldIds == null || typeof (heldIds as Partial<Iterable<number>>)[Symbol.iterator] !== 'function') return 0;
    const held: ReadonlySet<number> = heldIds instanceof Set ? heldIds : new Set(heldIds);
    let removed = 0;
    for (let s = this.#workers.first(worker); s !== NONE; ) {
      const next = this.#workers.next(s);
      const state = this.#state[s];
      if (state === State.Established && this.#protocol[s] === TCP && !held.has(this.#id(s))) {
        this.#release(s);
        removed++;
      }
      s = next;
    }
    return removed;
  }

  /** The slot of a live record's id, or -1: anything but such an id (NaN, fractions, strings, stale ids) gives -1. */
  #slot(id: number): number {
    if (!Number.isSafeInteger(id) || id < 0) return NONE;
    const slot = id % SLOT_LIMIT;
    if (slot >= this.#top || this.#state[slot] === FREE) return NONE;
    return this.#generation[slot] === (id - slot) / SLOT_LIMIT ? slot : NONE;
  }

  #id(slot: number): number {
    return this.#generation[slot] * SLOT_LIMIT + slot;
  }

  #record(s: number): ConnectionRecord {
    const kind = this.#kind[s];
    return {
      id: this.#id(s),
      protocol: this.#protocol[s] === UDP ? 'udp' : 'tcp',
      clientAddress: kind === Kind.Text ? this.#address[s] : formatIPv4(this.#ipv4[s], kind === Kind.Mapped),
      clientPort: this.#clientPort[s],
      listener: this.#listener[s],
      worker: this.#workers.workerOf(s),
      pid: this.#pid[s],
      state: STATE_NAMES[this.#state[s]],
      acceptedAt: this.#acceptedAt[s],
      handedOverAt: this.#handedOverAt[s],
      lastActiveAt: this.#lastActiveAt[s],
    };
  }

  /** Records with a client address are in the tuple index; those with '' are not. */
  #indexed(slot: number): boolean {
    return this.#kind[slot] !== Kind.Text || this.#address[slot] !== '';
  }

  #release(slot: number): void {
    this.#workers.detach(slot);
    if (this.#indexed(slot)) this.#index.remove(slot);
    this.#counts.remove(this.#listener[slot], this.#state[slot]);
    if (this.#protocol[slot] === UDP) this.#udp--;
    this.#state[slot] = FREE;
    this.#address[slot] = '';
    const generation = this.#generation[slot] + 1;
    this.#generation[slot] = generation === GENERATION_LIMIT ? 1 : generation;
    this.#free[this.#freeCount++] = slot;
    this.#size--;
  }

  /** Doubles every column and the index; false when already at SLOT_LIMIT. */
  #grow(): boolean {
    if (this.#capacity >= SLOT_LIMIT) return false;
    const capacity = this.#capacity * 2;
    this.#state = grown(this.#state, capacity);
    this.#protocol = grown(this.#protocol, capacity);
    this.#kind = grown(this.#kind, capacity);
    this.#pid = grown(this.#pid, capacity);
    this.#listener = grown(this.#listener, capacity);
    this.#clientPort = grown(this.#clientPort, capacity);
    this.#ipv4 = grown(this.#ipv4, capacity);
    this.#acceptedAt = grown(this.#acceptedAt, capacity);
    this.#assignedAt = grown(this.#assignedAt, capacity);
    this.#handedOverAt = grown(this.#handedOverAt, capacity);
    this.#lastActiveAt = grown(this.#lastActiveAt, capacity);
    this.#generation = grown(this.#generation, capacity, 1);
    for (let i = this.#capacity; i < capacity; i++) this.#address.push('');
    this.#free = grown(this.#free, capacity);
    this.#index.grow(capacity);
    this.#workers.grow(capacity);
    this.#capacity = capacity;
    return true;
  }

}
