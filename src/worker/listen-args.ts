// Reads the port, host and callback out of server.listen()'s many call forms.

export interface ListenTarget {
  port: number;
  host: string | undefined;
  backlog: number | undefined;
  callback: (() => void) | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Returns the TCP port form of a listen() call, or undefined for the forms portplex leaves
 * alone (a pipe path, a handle, an fd, listen() with no port).
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
    };
  }
  const port = toPort(first);
  if (port === undefined) return undefined;
  let host: string | undefined;
  let backlog: number | undefined;
  if (typeof args[1] === 'string') {
    host = args[1];
    if (typeof args[2] === 'number') backlog = args[2];
  } else if (typeof args[1] === 'number') {
    backlog = args[1];
  }
  return { port, host, backlog, callback, signal: undefined };
}

function toPort(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 && value <= 65535 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,5}$/.test(value)) return toPort(Number(value));
  return undefined;
}
