// Classes of the application's libraries, found in the CommonJS module cache once they are
// loaded, so that the runtime can wrap a method of theirs without the application's help
// (engine-io-ids.ts, ws-upgrades.ts). Several copies of a library (nested node_modules) are
// each found and wrapped once.
import { createRequire } from 'node:module';

const moduleCache = createRequire(import.meta.url).cache;

/** A class (its prototype) that `find` recognises in a module by its file name and exports. */
export type ClassFinder = (filename: string, exports: unknown) => { prototype: object } | undefined;

/**
 * Calls `wrap` with the prototype of each class `find` recognises among the modules loaded so
 * far and `done` does not hold yet, adding it there; returns how many were newly wrapped.
 */
export function wrapLoadedClasses(find: ClassFinder, done: WeakSet<object>, wrap: (prototype: object) => void): number {
  let n = 0;
  for (const m of Object.values(moduleCache)) {
    if (m === undefined) continue;
    const cls = find(m.filename, m.exports);
    if (cls === undefined || done.has(cls.prototype)) continue;
    done.add(cls.prototype);
    wrap(cls.prototype);
    n++;
  }
  return n;
}
