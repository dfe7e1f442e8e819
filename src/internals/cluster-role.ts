// Node's cluster module, made to say "worker" in a portplex worker: an application with its own
// cluster code (`if (cluster.isPrimary) fork() else listen()`) takes its worker branch, as under
// Node's cluster or PM2, instead of forking children of its own.
//
// portplex's workers are plain forked processes, so `require('cluster')` gives Node's primary
// module. Its isPrimary, isMaster and isWorker are plain data properties, redefined here; Node's
// own net and dgram read the same object:
//   lib/net.js listenInCluster:  cluster.isPrimary || exclusive ? server._listen2(...) : cluster._getServer(server, query, cb)
//   lib/dgram.js bind:           cluster.isWorker && !exclusive ? cluster._getServer(socket, query, cb) : bind here
// so `_getServer` does for a net.Server what the primary branch does (listen here), and the
// runtime binds dgram sockets it leaves alone with `exclusive: true` (as dgram's own implicit
// binds do). Builtin modules' ESM named exports are snapshots of the object, taken when the
// module is first imported and refreshed by syncBuiltinESMExports().
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type net from 'node:net';
import { unsupported } from './unsupported.js';

/** What a PORTPLEX_UNSUPPORTED_NODE error names. */
export const CLUSTER_ROLE = "the cluster module's isPrimary, isMaster and isWorker as configurable booleans, and no _getServer of its own (read by net listen() and dgram bind())";

/** The fields of Node's cluster module portplex sets. */
export interface ClusterModule {
  isPrimary: boolean;
  isMaster: boolean;
  isWorker: boolean;
  worker?: unknown;
  _getServer?: (target: object, query: ServerQuery, callback: (err: number, handle?: unknown) => void) => void;
}

/** What net's listenInCluster asks cluster._getServer for (dgram's bind asks with the same names). */
export interface ServerQuery {
  address: string | null;
  port: number | null;
  addressType: number | string | null;
  backlog?: number;
  fd?: number | null;
  flags?: number | null;
}

const ROLE = ['isPrimary', 'isMaster', 'isWorker'] as const;
type RoleKey = typeof ROLE[number];
const WORKER_ROLE: Readonly<Record<RoleKey, boolean>> = Object.freeze({ isPrimary: false, isMaster: false, isWorker: true });

// createRequire, not `import`: an ESM import of node:cluster here would take the snapshot of its
// named exports now, and the application's own first import could no longer be told apart.
const require = createRequire(import.meta.url);

function clusterModule(): ClusterModule {
  return require('node:cluster') as ClusterModule;
}

/** True when the cluster module's role can be set as portplex sets it. */
export function probeClusterRole(): boolean {
  const c = clusterModule();
  if (c._getServer !== undefined) return false;
  return ROLE.every((k) => {
    const d = Object.getOwnPropertyDescriptor(c, k);
    return d !== undefined && d.configurable === true && typeof d.value === 'boolean';
  });
}

/** Who read a role field: Node's net or dgram, the application from file `file`, or an import of the module (`file` undefined). */
export type Reader = { node: true } | { node: false; file: string | undefined };

/**
 * Makes this process's cluster module a worker's: isPrimary and isMaster false, isWorker true,
 * `worker` the given object, and listen()s Node sends to _getServer bound here. `appRead` is
 * called once, at the first read of a role field that is not Node's net or dgram asking (an ESM
 * import of node:cluster reads them all); until then the fields are accessors, then plain values.
 * Throws PORTPLEX_UNSUPPORTED_NODE when the module is not as CLUSTER_ROLE says.
 */
export function actAsClusterWorker(worker: object, appRead: (file: string | undefined) => void): void {
  if (!probeClusterRole()) throw unsupported(CLUSTER_ROLE);
  const c = clusterModule();
  let quiet = false;
  const settle = (): void => {
    for (const k of ROLE) Object.defineProperty(c, k, { value: WORKER_ROLE[k], writable: true, enumerable: true, configurable: true });
  };
  for (const k of ROLE) {
    const get = function (): boolean {
      if (!quiet) {
        const reader = readerOf(get);
        if (!reader.node) {
          settle();
          appRead(reader.file);
        }
      }
      return WORKER_ROLE[k];
    };
    Object.defineProperty(c, k, {
      get,
      // Whoever sets it owns it from then on, as with the plain field.
      set(value: unknown) {
        settle();
        (c as unknown as Record<string, unknown>)[k] = value;
      },
      enumerable: true,
      configurable: true,
    });
  }
  c.worker = worker;
  c._getServer = listenHere;
  // Should an earlier preload have imported node:cluster, its named exports are refreshed
  // (reading the fields: not the application's read).
  quiet = true;
  try {
    syncBuiltinESMExports();
  } finally {
    quiet = false;
  }
}

/** UV_EINVAL: what a caller other than a net.Server gets (the runtime binds dgram sockets exclusive). */
const UV_EINVAL = -22;

/**
 * cluster._getServer for a listen() portplex leaves to the worker (exclusive, ownPorts, an fd, a
 * handle): what listenInCluster's primary branch does, synchronously, so the listen behaves as
 * it does outside a cluster (a pipe's readableAll/writableAll chmod follows at once, as there).
 */
function listenHere(target: object, q: ServerQuery, callback: (err: number) => void): void {
  const server = target as net.Server & { _listen2?: (address: string | null, port: number | null, addressType: ServerQuery['addressType'], backlog?: number, fd?: number | null, flags?: number | null) => void };
  if (typeof server._listen2 !== 'function') {
    process.nextTick(callback, UV_EINVAL);
    return;
  }
  server._listen2(q.address, q.port, q.addressType, q.backlog, q.fd, q.flags);
}

/** Node's own modules whose reads of the role are not the application's. */
const NODE_READERS = new Set(['node:net', 'node:dgram']);

/**
 * Who called `getter`, from V8's structured stack (Error.prepareStackTrace), so that an
 * application's own stack formatting (source maps) is neither used nor disturbed. An ESM import
 * reads the fields from Node's module loader (Reflect.get, then node:internal/bootstrap/realm):
 * no file of the application's is on the stack then.
 */
function readerOf(getter: () => unknown): Reader {
  const E = Error as ErrorConstructor & { prepareStackTrace?: (e: Error, frames: NodeJS.CallSite[]) => unknown; stackTraceLimit: number };
  const limit = E.stackTraceLimit;
  const prepare = E.prepareStackTrace;
  let frames: NodeJS.CallSite[] = [];
  try {
    E.stackTraceLimit = 3;
    E.prepareStackTrace = (_e, f) => f;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, getter);
    if (Array.isArray(holder.stack)) frames = holder.stack as NodeJS.CallSite[];
  } finally {
    E.stackTraceLimit = limit;
    E.prepareStackTrace = prepare;
  }
  const file = frames.map((f) => f.getFileName()).find((name): name is string => typeof name === 'string' && name !== '');
  if (file !== undefined && NODE_READERS.has(file)) return { node: true };
  return { node: false, file: file === undefined || file.startsWith('node:') ? undefined : file };
}
