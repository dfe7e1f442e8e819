// engine.io (under socket.io) creates a session id per handshake with its server's
// generateId(req), a method its documentation says to override for custom ids. We wrap it on
// engine.io's BaseServer.prototype, for every copy of engine.io the application has loaded, so
// that each id is reported as it is made: before the handshake's answer, which carries it, is
// written. An application's own override (io.engine.generateId = fn) still works, and is
// reported too: assignment goes through the accessor below.
// What this relies on of engine.io (pinned by test/unit/in-worker/engine-io-ids.test.ts with the
// installed version): the module build/server.js exports BaseServer, whose prototype has
// generateId(req) returning the id or a promise of it.
import { caught } from './faults.js';
import { wrapLoadedClasses } from './loaded-classes.js';

type IdGenerator = (this: object, req: unknown) => unknown;

const SERVER_MODULE = /[\\/]engine\.io[\\/]build[\\/]server\.js$/;
const wrapped = new WeakSet<object>();

/** engine.io's BaseServer class in a loaded module, if that module is engine.io's server.js. */
export function engineIoBaseServer(filename: string, exports: unknown): { prototype: object } | undefined {
  if (!SERVER_MODULE.test(filename) || exports === null || typeof exports !== 'object') return undefined;
  const base = (exports as { BaseServer?: unknown }).BaseServer;
  if (typeof base !== 'function' || typeof (base.prototype as { generateId?: unknown }).generateId !== 'function') return undefined;
  return base as { prototype: object };
}

/** Wraps the id generator of every engine.io loaded so far (once each); returns how many were newly wrapped. */
export function trackEngineIo(report: (id: string) => void): number {
  return wrapLoadedClasses(engineIoBaseServer, wrapped, (proto) => wrapGenerateId(proto, report));
}

function wrapGenerateId(proto: object, report: (id: string) => void): void {
  const original = (proto as { generateId: IdGenerator }).generateId;
  // Per server instance: the generator the application assigned, if any.
  const assigned = new WeakMap<object, IdGenerator>();
  const reported = (id: unknown): unknown => {
    try {
      if (typeof id === 'string') report(id);
    } catch (err) {
      // The handshake goes on with its id; only the report is lost.
      caught('session-report', err);
    }
    return id;
  };
  function generateId(this: object, req: unknown): unknown {
    const id = (assigned.get(this) ?? original).call(this, req);
    return id !== null && typeof id === 'object' && typeof (id as Promise<unknown>).then === 'function' ? (id as Promise<unknown>).then(reported) : reported(id);
  }
  Object.defineProperty(proto, 'generateId', {
    configurable: true,
    get: () => generateId,
    set(this: object, fn: IdGenerator) {
      assigned.set(this, fn);
    },
  });
}
