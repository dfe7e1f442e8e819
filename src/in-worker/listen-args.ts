// Reads the port (or Unix socket path), host and callback out of server.listen()'s many call forms.

export interface ListenTarget {
  /** The TCP port; 0 for a Unix socket (see `path`). */
  port: number;
  /** A Unix socket path (or a Linux abstract name, "\0..."): served by the master as Node's cluster primary does. */
  path: string | undefined;
  host: string | undefined;
  backlog: number | undefined;
  callback: (() => void) | undefined;
  signal: AbortSignal | undefined;
  /** listen({ exclusive: true }): Node's cluster does not share such a server; neither does portplex. */
  exclusive: boolean;
}

/**
 * Returns the TCP port form (port 0 included) or the Unix socket form of a listen() call, or
 * undefined for the forms portplex leaves alone (a handle, an fd, an options object with neither).
 */
export function parseListenArgs(args: readonly unknown[]): ListenTarget | undefined {
  const last = args[args.length - 1];
  const callback = typeof last === 'function' ? (last as () => void) : undefined;
  const first = args[0];
  if (first !== null && typeof first === 'object') {
    const o = first as Record<string, unknown>;
    if (o.fd !== undefined || o.handle !== undefined || o._handle !== undefined) return undefined;
    const signal = o.signal instanceof AbortSignal ? o.signal : undefined;
    const backlog = typeof o.backlog === 'number' ? o.backlog : undefined;
    // Node's listen() takes path before port when both are given.
    if (typeof o.path === 'string' && o.path !== '') return { port: 0, path: o.path, host: undefined, backlog, callback, signal, exclusive: o.exclusive === true };
    if (o.path !== undefined) return undefined;
    const port = toPort(o.port);
    if (port === undefined) return undefined;
    return {
      port,
      path: undefined,
      host: typeof o.host === 'string' ? o.host : undefined,
      backlog,
      callback,
      signal,
      exclusive: o.exclusive === true,
    };
  }
  // A string that is not a number >= 0 is a path, as Node's listen() reads it (listen('8080') is a port).
  if (typeof first === 'string' && !(Number(first) >= 0)) {
    return { port: 0, path: first, host: undefined, backlog: typeof args[1] === 'number' ? args[1] : undefined, callback, signal: undefined, exclusive: false };
  }
  // listen() and listen(callback) take any port, as listen(0) does.
  const port = first === undefined || typeof first === 'function' ? 0 : toPort(first);
  if (port === undefined) return undefined;
  let host: string | undefined;
  let backlog: number | undefined;
  if (typeof args[1] === 'string') {
    host = args[1];
    if (typeof args[2] === 'number') backlog = args[2];
  } else if (typeof args[1] === 'number') {
    backlog = args[1];
  }
  return { port, path: undefined, host, backlog, callback, signal: undefined, exclusive: false };
}

function toPort(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 65535 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,5}$/.test(value)) return toPort(Number(value));
  return undefined;
}
