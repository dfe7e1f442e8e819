// Listeners the workers ask for, as Node's cluster primary serves queryServer: the first
// listen() of an address (host, port, and which open listen() of it in the worker) makes the
// master bind it and serve it with the asking worker's group and algorithm; every later listen()
// of the same address, by any worker of that group, joins it. A bind that fails is answered with
// its error and forgotten, so a later listen() tries again (Node's cluster does the same).
// A Unix socket path is bound the same way, in the master (as Node's cluster primary binds it).
// The listener stays bound until the master stops, so a restarted worker finds it waiting.

/** What a worker is answered: the listener index to serve, or the bind's error. */
export type ListenOutcome = { readonly listener: number } | { readonly code: string; readonly errno: number };

/** Binds a new listener for `group` (`path`: a Unix socket) and returns its index; rejects with the bind's error. */
export type BindListener = (group: string, host: string | undefined, port: number, path: string | undefined) => Promise<number>;

/** Addresses bound on request at most (a bound on what a runaway application costs the master). */
export const MAX_ON_DEMAND = 256;

const EADDRINUSE = { code: 'EADDRINUSE', errno: -98 } as const;
const EMFILE = { code: 'EMFILE', errno: -24 } as const;

export class OnDemandListeners {
  private readonly byKey = new Map<string, { readonly group: string; readonly index: Promise<number> }>();
  /** Binds run one at a time, so that listener indexes are given in order. */
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
    if (entry !== undefined && entry.group !== group) return Promise.resolve(EADDRINUSE);
    if (entry === undefined) {
      if (this.byKey.size >= MAX_ON_DEMAND) return Promise.resolve(EMFILE);
      const index = this.queue.then(() => this.bind(group, host ?? undefined, port, path));
      this.queue = index.catch(() => {});
      entry = { group, index };
      this.byKey.set(key, entry);
      const mine = entry;
      index.catch(() => {
        if (this.byKey.get(key) === mine) this.byKey.delete(key);
      });
    }
    return entry.index.then((listener) => ({ listener }), (err: unknown) => errnoOf(err));
  }
}

/** The system error behind a failed bind (the PortplexError's cause), for the worker to emit. */
function errnoOf(err: unknown): ListenOutcome {
  const cause = (err as { cause?: { code?: unknown; errno?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string' && Number.isInteger(cause.errno)) return { code: cause.code, errno: cause.errno as number };
  return { code: 'EADDRNOTAVAIL', errno: -99 };
}
