// Counters of the worker runtime that a test or the application may read; malformed input is
// counted, never thrown.

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
}

export function newRuntimeStats(): RuntimeStats {
  return { adopted: 0, refused: 0, malformed: 0, accepted: 0, acceptErrors: 0, forwarded: 0, rescuedSilent: 0 };
}
