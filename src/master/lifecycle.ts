// The master's own lifecycle, one named state at a time. Readiness probes, the admin commands,
// signals and (under a service manager) its notifications read this one state; only the
// transitions in NEXT happen, each announced once with a 'change' event.
//
//   starting -> serving <-> reloading          every worker ready; a rolling reload under way
//                serving <-> upgrading         a new master is starting; it failed: serving again
//   any of the above -> stopping -> stopped    a stop (signal, admin, fatal error, upgrade done)
import { EventEmitter } from 'node:events';

export type MasterState = 'starting' | 'serving' | 'reloading' | 'upgrading' | 'stopping' | 'stopped';

const NEXT: Readonly<Record<MasterState, readonly MasterState[]>> = Object.freeze({
  starting: ['serving', 'stopping'],
  serving: ['reloading', 'upgrading', 'stopping'],
  reloading: ['serving', 'stopping'],
  upgrading: ['serving', 'stopping'],
  stopping: ['stopped'],
  stopped: [],
});

/** What each state means to someone asking the master for something. */
const DESCRIBED: Readonly<Record<MasterState, string>> = Object.freeze({
  starting: 'the master is starting (its workers are not all ready yet)',
  serving: 'the master is serving',
  reloading: 'a rolling reload is under way',
  upgrading: 'an upgrade is under way',
  stopping: 'the master is stopping',
  stopped: 'the master has stopped',
});

/** Events: 'change' (state: MasterState, previous: MasterState). */
export class Lifecycle extends EventEmitter {
  private current: MasterState = 'starting';
  private at: number;

  constructor(now: number = Date.now()) {
    super();
    this.at = now;
  }

  get state(): MasterState {
    return this.current;
  }

  /** ms timestamp of the last change (the start, at first). */
  get since(): number {
    return this.at;
  }

  /** Stopping or stopped: a platform should send nothing new here. */
  get ending(): boolean {
    return this.current === 'stopping' || this.current === 'stopped';
  }

  /** Moves to `next` when that transition exists; false (and no event) when it does not. */
  to(next: MasterState, now: number = Date.now()): boolean {
    if (!NEXT[this.current].includes(next)) return false;
    const previous = this.current;
    this.current = next;
    this.at = now;
    this.emit('change', next, previous);
    return true;
  }

  /** The state in words, for a refusal ("an upgrade is under way"). */
  describe(): string {
    return DESCRIBED[this.current];
  }
}
