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

/**
 * The same bind() as `{ ..., exclusive: true }`: in a portplex worker cluster.isWorker is true
 * (internals/cluster-role.ts), and dgram would ask cluster._getServer for a socket that is not
 * exclusive. Exclusive, it binds here as it would without portplex (Node's own implicit binds,
 * in send() and connect(), are exclusive already). A bound handle passed as the first argument
 * is left as it is (dgram reads no role for it).
 */
export function exclusiveBindArgs(args: readonly unknown[]): unknown[] {
  const first = args[0];
  if (first !== null && typeof first === 'object') {
    if (typeof (first as { recvStart?: unknown }).recvStart === 'function') return [...args];
    // Its own fields (port, address, fd) read through the prototype, as given.
    return [Object.assign(Object.create(first) as object, { exclusive: true }), ...args.slice(1)];
  }
  const last = args[args.length - 1];
  const callback = typeof last === 'function' ? [last] : [];
  // bind(), bind(cb): any port; bind(port[, address][, cb]): dgram reads them as the object's.
  if (first === undefined || typeof first === 'function') return [{ exclusive: true }, ...callback];
  const address = typeof args[1] === 'function' ? undefined : args[1];
  return [{ port: first, address, exclusive: true }, ...callback];
}
