// Listeners the workers ask for, as Node's cluster primary serves queryServer: the first
// listen() of an address (host, port, and which open listen() of it in the worker) makes the
// master bind it and serve it with the asking worker's group and algorithm; every later listen()
// of the same address, by any worker of that group, joins it. A bind that fails is answered with
// its error and forgotten, so a later listen() tries again (Node's cluster does the same).
// A Unix socket path is bound the same way, in the master (as Node's cluster primary binds it).
// The listener closes once the application has closed its server in every worker, as Node's
// closes a handle no worker holds; a process that dies does not close it, so its replacement
// finds it waiting and no connection is refused meanwhile. A later listen() of the address
// binds it again, under the same listener index.

/** What a worker is answered: the listener index to serve, or the bind's error. */
export type ListenOutcome = { readonly listener: number } | { readonly code: string; readonly errno: number; readonly heldBy?: string };

/** Binds a listener for `group` (`path`: a Unix socket), at index `again` if it was bound before; resolves with its index. */
export type BindListener = (group: string, host: string | undefined, port: number, path: string | undefined, again: number | undefined) => Promise<number>;

/** Addresses bound on request at most (a bound on what a runaway application costs the master). */
export const MAX_ON_DEMAND = 256;

const EADDRINUSE = { code: 'EADDRINUSE', errno: -98 } as const;
const EMFILE = { code: 'EMFILE', errno: -24 } as const;

export class OnDemandListeners {
  private readonly byKey = new Map<string, { readonly group: string; readonly index: Promise<number> }>();
  /** Addresses bound before and closed since: their listener index, for the next bind of the same address. */
  private readonly closedAt = new Map<string, { readonly group: string; readonly index: number }>();
  private readonly keyOf = new Map<number, string>();
  /** Binds and closes run one at a time, so that indexes are given in order and a close is done before its address is bound again. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly bind: BindListener) {}

  /** Addresses bound or being bound. */
  get size(): number {
    return this.byKey.size;
  }

  /** A worker of `group` listens on `host` (null: every address) and `port`, or on Unix socket `path`, its `x`-th open listen() of it. */
  request(group: string, host: string | null, port: number, x: number, path?: string): Promise<ListenOutcome> {
    const key = path !== undefined ? `unix|${path}|${x}` : `${host ?? '*'}|${port}|${x}`;
    let entry = this.byKey.get(key);
    // One address is one socket: another group's worker cannot bind it, as in any one process.
    if (entry !== undefined && entry.group !== group) return Promise.resolve({ ...EADDRINUSE, heldBy: entry.group });
    if (entry === undefined) {
      if (this.byKey.size >= MAX_ON_DEMAND) return Promise.resolve(EMFILE);
      const before = this.closedAt.get(key);
      const again = before !== undefined && before.group === group ? before.index : undefined;
      const index = this.queue.then(() => this.bind(group, host ?? undefined, port, path, again));
      this.queue = index.catch(() => {});
      entry = { group, index };
      this.byKey.set(key, entry);
      const mine = entry;
      index.then((i) => {
        this.keyOf.set(i, key);
        this.closedAt.delete(key);
      }, () => {
        if (this.byKey.get(key) === mine) this.byKey.delete(key);
      });
    }
    return entry.index.then((listener) => ({ listener }), (err: unknown) => errnoOf(err));
  }

  /**
   * Listener `index` is no longer served by any worker: `close` closes it, and the next request
   * of its address waits for that, then binds it again.
   */
  closed(index: number, close: () => Promise<void>): void {
    const key = this.keyOf.get(index);
    const entry = key === undefined ? undefined : this.byKey.get(key);
    if (key === undefined || entry === undefined) return;
    this.byKey.delete(key);
    this.keyOf.delete(index);
    this.closedAt.set(key, { group: entry.group, index });
    const done = this.queue.then(close);
    this.queue = done.catch(() => {});
  }
}

/** The system error behind a failed bind (the PortplexError's cause), for the worker to emit. */
function errnoOf(err: unknown): ListenOutcome {
  const cause = (err as { cause?: { code?: unknown; errno?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string' && Number.isInteger(cause.errno)) return { code: cause.code, errno: cause.errno as number };
  return { code: 'EADDRNOTAVAIL', errno: -99 };
}
