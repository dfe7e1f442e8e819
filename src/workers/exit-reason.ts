// How a process ended, in words for the operator's log: its exit code or the signal that ended
// it, whether that signal was portplex's own, and what the app's listen() said if it failed.
import type { WorkerProcess } from './worker-process.js';

/**
 * "exited with code 0 by itself", "exited with code 3", "was killed by SIGKILL from outside
 * portplex", "was killed by SIGKILL from portplex"; the app's failed listen() follows, if any.
 */
export function exitReason(p: WorkerProcess): string {
  const failure = p.listenFailure;
  return failure === undefined ? howItEnded(p) : `${howItEnded(p)}; ${failure}`;
}

function howItEnded(p: WorkerProcess): string {
  const { code, signal } = p.exit ?? { code: null, signal: null };
  if (signal !== null) return `was killed by ${signal} from ${p.signalledWith(signal) ? 'portplex' : 'outside portplex'}`;
  if (code === null) return p.pid === 0 ? 'could not be started' : 'ended without an exit status';
  if (p.stopRequested) return `exited with code ${code} after it was asked to stop`;
  return code === 0 ? 'exited with code 0 by itself' : `exited with code ${code}`;
}
