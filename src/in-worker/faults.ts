// Our code runs in the application's process: on timers, IPC messages and frames, libuv's read
// and accept callbacks, and inside the wraps of the application's libraries. A throw there (a
// bug of ours, or the system refusing us: EMFILE when every descriptor is taken) must not become
// an uncaught exception that takes the application down with every connection it serves. So each
// place where our code is entered on its own initiative catches what it throws (caught()), the
// runtime counts it and tells the master (fault-report.ts).
//
// The application's own callbacks that our code calls (a server's 'connection' listeners, a
// socket's 'message', a listen callback) keep their throws: those are the application's, and an
// uncaught one must stay uncaught. Where our code calls into the application, the call passes
// its throw through appThrow(), and caught() throws it on.
import type { WorkerFaultKind } from '../ipc/protocol.js';

export type { WorkerFaultKind } from '../ipc/protocol.js';

/** Where a caught fault goes: set by the runtime (counted, reported); nowhere outside a worker. */
let sink: (kind: WorkerFaultKind, err: unknown) => void = () => {};

/** The last throw of the application's code seen passing through ours (identity, so a thrown primitive works too). */
let appError: unknown;
let appThrew = false;

/** Sets where caught faults go. */
export function onFault(f: (kind: WorkerFaultKind, err: unknown) => void): void {
  sink = f;
}

/** Marks `err` as thrown by the application's code, for caught() to throw on; returns it (`throw appThrow(err)`). */
export function appThrow(err: unknown): unknown {
  appError = err;
  appThrew = true;
  return err;
}

/**
 * Call in the catch of an entry point of ours: the application's throw goes on (rethrown),
 * anything else is counted and reported as a fault of `kind`.
 */
export function caught(kind: WorkerFaultKind, err: unknown): void {
  // Not cleared: an outer entry point the same throw passes through must throw it on too.
  if (appThrew && err === appError) throw err;
  try {
    sink(kind, err);
  } catch {
    // Counting must not be what takes the process down either.
  }
}

/** `fn` as an entry point: what it throws is caught as a fault of `kind`. Made once per callback, not per call. */
export function guarded<A extends unknown[]>(kind: WorkerFaultKind, fn: (...args: A) => void): (...args: A) => void {
  return function guardedCall(this: unknown, ...args: A): void {
    try {
      fn.apply(this, args);
    } catch (err) {
      caught(kind, err);
    }
  };
}
