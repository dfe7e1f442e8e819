// Named diagnostics channels: observers (metrics, logs, tests) subscribe; the hot path only
// publishes when someone listens.
import diagnostics from 'node:diagnostics_channel';

export const channels = Object.freeze({
  /** { id, listener, worker, pid, ms } after a worker acknowledged a connection; ms from accept, fractional. */
  handedOver: diagnostics.channel('portplex:connection:handed-over'),
  /** { id, listener, reason } when the master closed a connection no worker took. */
  dropped: diagnostics.channel('portplex:connection:dropped'),
  /** { id, worker, reason } when a hand-over is tried again elsewhere. */
  retried: diagnostics.channel('portplex:connection:retried'),
  /** { listener, code } when accept() failed. */
  acceptError: diagnostics.channel('portplex:accept:error'),
  /** { worker, pid, code, signal, uptime } when a worker process exited. */
  workerExit: diagnostics.channel('portplex:worker:exit'),
});
