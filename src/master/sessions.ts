// Where each sticky session lives: session key -> the worker process that created it, as that
// process reported it (in-worker/session-report.ts). A key the table knows goes to its worker; an
// unknown one falls back to the consistent hash. Hashing alone cannot place a session whose key
// the worker invents in its answer to the first request (socket.io's sid, a session cookie): the
// first request carried no key, so the balancer placed it, and the key hashes elsewhere N-1 times
// in N.
//
// Bounded: at most `max` entries (the longest-unused one is forgotten past it) and `timeoutMs`
// without use. A Map keeps insertion order, and an entry moves to the end when it is used, so
// the front is always the longest-unused: eviction and expiry read only the front.
import { MAX_SESSION_KEY } from '../ipc/frames.js';

/** One session's owner: its worker id and the process that created it. */
export interface SessionOwner {
  readonly worker: number;
  readonly pid: number;
  /** ms timestamp: learned, or last moved to the end on use. */
  seen: number;
}

/** A use moves its entry to the end at most this often (ms): expiry is that much coarser, lookups cheaper. */
const REFRESH_MS = 1000;

export class SessionTable {
  private readonly map = new Map<string, SessionOwner>();
  /** Keys reported by workers, evicted for room, expired unused, purged with their process. */
  learned = 0;
  evicted = 0;
  expired = 0;
  purged = 0;

  constructor(private readonly max: number, private readonly timeoutMs: number) {}

  get size(): number {
    return this.map.size;
  }

  /** Worker `worker`'s process `pid` created session `key`. A key seen again moves to its new owner. */
  learn(key: string, worker: number, pid: number, now: number): void {
    if (key.length === 0 || key.length > MAX_SESSION_KEY) return;
    this.map.delete(key);
    this.map.set(key, { worker, pid, seen: now });
    this.learned++;
    if (this.map.size > this.max) {
      this.map.delete(this.map.keys().next().value!);
      this.evicted++;
    }
  }

  /** The owner of `key`, when known and not expired; a use keeps it. */
  find(key: string, now: number): SessionOwner | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (now - e.seen > this.timeoutMs) {
      this.map.delete(key);
      this.expired++;
      return undefined;
    }
    if (now - e.seen >= REFRESH_MS) {
      e.seen = now;
      this.map.delete(key);
      this.map.set(key, e);
    }
    return e;
  }

  /** Forgets every session of process `pid` (it is gone, and its sessions with it); returns how many. */
  purge(pid: number): number {
    let n = 0;
    for (const [key, e] of this.map) {
      if (e.pid !== pid) continue;
      this.map.delete(key);
      n++;
    }
    this.purged += n;
    return n;
  }

  /** Forgets sessions unused for longer than the timeout. */
  expire(now: number): void {
    const cutoff = now - this.timeoutMs;
    for (const [key, e] of this.map) {
      if (e.seen >= cutoff) return;
      this.map.delete(key);
      this.expired++;
    }
  }
}
