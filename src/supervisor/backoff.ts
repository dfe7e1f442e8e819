// Restart delay and crash-loop rule, kept pure so they are testable without processes.

export interface RestartPolicy {
  restartDelay: number;
  restartDelayMax: number;
  minUptime: number;
  maxRestarts: number;
}

/** Consecutive unstable starts after this exit: reset by a worker that stayed up long enough. */
export function nextUnstableCount(previous: number, uptime: number, becameReady: boolean, policy: RestartPolicy): number {
  return becameReady && uptime >= policy.minUptime ? 0 : previous + 1;
}

/** ms to wait before restarting; exponential in consecutive unstable starts, capped. */
export function restartDelay(unstable: number, policy: RestartPolicy): number {
  if (unstable === 0) return 0;
  return Math.min(policy.restartDelay * 2 ** (unstable - 1), policy.restartDelayMax);
}

/** True when the worker keeps dying at start: stop instead of spinning. */
export function isCrashLoop(unstable: number, policy: RestartPolicy): boolean {
  return unstable > policy.maxRestarts;
}
