// Closing a listening socket without resetting what the kernel has queued on it. A close at once
// resets every connection whose handshake the kernel completed but libuv has not accepted yet
// (the accept queue: a busy turn of the loop can leave many there). libuv accepts until the queue
// is empty whenever the loop polls a readable socket, so a close in the first check phase after
// a poll that accepted nothing loses only what arrives in the microseconds between the two.
// The master's listeners (dispatch mode) and a worker's copies of a shared socket (direct mode)
// both close this way.

/** How long to wait at most for a turn that accepts nothing: under a flood it never comes. */
export const QUIET_TURN_MAX_MS = 1000;

/**
 * Calls `done` in the first check phase after a whole poll phase during which `count()` (the
 * accepts so far) did not change, or once `maxMs` have passed.
 */
export function afterQuietTurn(count: () => number, done: () => void, maxMs: number = QUIET_TURN_MAX_MS): void {
  const end = Date.now() + maxMs;
  let seen = 0;
  const check = (): void => {
    if (count() !== seen && Date.now() < end) {
      seen = count();
      setImmediate(check);
      return;
    }
    done();
  };
  // Counted from a check phase on, so that a whole poll phase lies between two looks (called from
  // the poll phase, the next check phase would come before any poll).
  setImmediate(() => {
    seen = count();
    setImmediate(check);
  });
}
