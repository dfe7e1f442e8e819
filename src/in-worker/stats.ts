// Counters of the worker runtime that a test or the application may read; malformed input is
// counted, never thrown.
import { WORKER_FAULT_KINDS, type WorkerFaultKind } from '../ipc/protocol.js';

export interface RuntimeStats {
  adopted: number;
  refused: number;
  malformed: number;
  /** Direct mode: connections accepted on the shared socket, and accept errors. */
  accepted: number;
  acceptErrors: number;
  /** Direct mode with rules: accepted connections handed back because their content belongs elsewhere. */
  forwarded: number;
  /** Connections rescued from a worker that died, closed because they said nothing (first-read.ts). */
  rescuedSilent: number;
  /** Throws of portplex's own code in this process, caught where it was entered (faults.ts), by where. */
  faults: Record<WorkerFaultKind, number>;
}

export function newRuntimeStats(): RuntimeStats {
  const faults = {} as Record<WorkerFaultKind, number>;
  for (const k of WORKER_FAULT_KINDS) faults[k] = 0;
  return { adopted: 0, refused: 0, malformed: 0, accepted: 0, acceptErrors: 0, forwarded: 0, rescuedSilent: 0, faults };
}
