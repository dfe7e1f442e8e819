// Reads the port, host and callback out of server.listen()'s many call forms.

export interface ListenTarget {
  port: number;
  host: string | undefined;
  backlog: number | undefined;
  callback: (() => void) | undefined;
  signal: AbortSignal | undefined;
  /** listen({ exclusive: true }): Node's cluster does not share such a server; neither does portplex. */
  exclusive: boolean;
}

/**
 * Returns the TCP port form of a listen() call (port 0 included), or undefined for the forms
 * portplex leaves alone (a pipe path, a handle, an fd, an options object with no port).
 */
export function parseListenArgs(args: readonly unknown[]): ListenTarget | undefined {
  const last = args[args.length - 1];
  const callback = typeof last === 'function' ? (last as () => void) : undefined;
  const first = args[0];
  if (first !== null && typeof first === 'object') {
    const o = first as Record<string, unknown>;
    if (o.path !== undefined || o.fd !== undefined || o.handle !== undefined || o._handle !== undefined) return undefined;
    const port = toPort(o.port);
    if (port === undefined) return undefined;
    return {
      port,
      host: typeof o.host === 'string' ? o.host : undefined,
      backlog: typeof o.backlog === 'number' ? o.backlog : undefined,
      callback,
      signal: o.signal instanceof AbortSignal ? o.signal : undefined,
      exclusive: o.exclusive === true,
    };
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
  return { port, host, backlog, callback, signal: undefined, exclusive: false };
}

function toPort(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 65535 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,5}$/.test(value)) return toPort(Number(value));
  return undefined;
}
