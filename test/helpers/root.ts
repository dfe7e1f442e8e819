// Tests that act as another user (chown to uid 65534, runuser) need root: CI runs as root.
// They fail saying so elsewhere rather than skip, so a run that did not check this says it.
import assert from 'node:assert/strict';

/** Fails the test unless this process is root; `why` says what the test does that needs it. */
export function needsRoot(why: string): void {
  assert.equal(process.geteuid?.(), 0, `this test needs root (CI runs as root): ${why}`);
}
