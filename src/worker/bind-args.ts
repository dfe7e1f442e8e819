// Reads the port, address and callback out of dgram's socket.bind() call forms.

export interface BindTarget {
  port: number;
  address: string | undefined;
  callback: (() => void) | undefined;
}

/**
 * Returns the port form of a bind() call, or undefined for the forms portplex leaves alone
 * (bind() with no port or port 0, an fd, a port that is not a number).
 * Forms: bind(port[, address][, cb]), bind(cb), bind({ port, address, exclusive }[, cb]).
 */
export function parseBindArgs(args: readonly unknown[]): BindTarget | undefined {
  const last = args[args.length - 1];
  const callback = typeof last === 'function' ? (last as () => void) : undefined;
  const first = args[0];
  if (first !== null && typeof first === 'object') {
    const o = first as Record<string, unknown>;
    if (o.fd !== undefined) return undefined;
    const port = toPort(o.port);
    if (port === undefined) return undefined;
    return { port, address: typeof o.address === 'string' ? o.address : undefined, callback };
  }
  const port = toPort(first);
  if (port === undefined) return undefined;
  return { port, address: typeof args[1] === 'string' ? args[1] : undefined, callback };
}

function toPort(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 && value <= 65535 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,5}$/.test(value)) return toPort(Number(value));
  return undefined;
}
