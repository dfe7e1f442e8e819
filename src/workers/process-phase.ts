// The lifecycle of one worker process as the master sees it: its phases, the events that move
// it, and which moves are allowed, written once here. WorkerProcess makes every move through
// a PhaseMachine, which follows this table; what is not a phase (its servers' room, a stall, health) is kept beside it.
import { CODES, PortplexError } from '../errors.js';

/**
 * - starting: forked, not ready yet.
 * - ready: takes new connections (when its servers, health and channel allow).
 * - leaving: ready, but gets nothing new: a reload's new process is about to take over, or it
 *   refused a connection as stopping.
 * - draining: asked to stop; it answers what it was sent before its stop goes.
 * - stopping: its stop went (the message, or SIGTERM when it had not spoken yet).
 * - unreachable: alive without its IPC channel: it can neither take connections nor report them.
 * - condemned: being killed; its exit frees what it was sent.
 * - exited: the process ended; its last messages may still be on their way.
 * - gone: exited, and its channel drained: nothing more comes from it.
 */
export const PHASES = ['starting', 'ready', 'leaving', 'draining', 'stopping', 'unreachable', 'condemned', 'exited', 'gone'] as const;
export type Phase = typeof PHASES[number];

/** What happens to a process: each moves it from one phase to another, where the table allows. */
export const PHASE_EVENTS = ['ready', 'leave', 'drain', 'stop', 'lostChannel', 'condemn', 'exit', 'gone'] as const;
export type PhaseEvent = typeof PHASE_EVENTS[number];

/** The state users see (status, metrics labels, docs/cli.md): starting -> ready -> stopping -> exited. */
export type ProcessState = 'starting' | 'ready' | 'stopping' | 'exited';

// Whatever a live process is doing, it may lose its channel, be killed, or exit.
const ENDS = { lostChannel: 'unreachable', condemn: 'condemned', exit: 'exited' } as const;

/** Per phase, the events allowed in it and the phase each leads to; an event not listed is refused. */
export const MOVES: Readonly<Record<Phase, Readonly<Partial<Record<PhaseEvent, Phase>>>>> = Object.freeze({
  starting: { ready: 'ready', stop: 'stopping', ...ENDS },
  ready: { leave: 'leaving', drain: 'draining', stop: 'stopping', ...ENDS },
  leaving: { drain: 'draining', stop: 'stopping', ...ENDS },
  draining: { stop: 'stopping', ...ENDS },
  stopping: { condemn: 'condemned', exit: 'exited' },
  unreachable: { condemn: 'condemned', exit: 'exited' },
  condemned: { exit: 'exited' },
  exited: { gone: 'gone' },
  gone: {},
});

/** Per phase, the state users see. */
export const SHOWN: Readonly<Record<Phase, ProcessState>> = Object.freeze({
  starting: 'starting',
  ready: 'ready',
  leaving: 'ready',
  draining: 'ready',
  stopping: 'stopping',
  unreachable: 'stopping',
  condemned: 'stopping',
  exited: 'stopping',
  gone: 'exited',
});

/**
 * Per phase, what "will it be ready?" answers: true once ready, false once it was stopped or
 * cut off or is gone, undefined while that is not known. One being killed, or exited and not yet
 * gone, answers only once it is gone, so that its exit status can be told by then.
 */
export const READY_ANSWER: Readonly<Record<Phase, boolean | undefined>> = Object.freeze({
  starting: undefined,
  ready: true,
  leaving: true,
  draining: true,
  stopping: false,
  unreachable: false,
  condemned: undefined,
  exited: undefined,
  gone: false,
});

/** A move the table does not allow: a fault in portplex's own code, never an input. */
export class PhaseError extends PortplexError {
  constructor(readonly phase: Phase, readonly event: PhaseEvent) {
    super(CODES.ILLEGAL_TRANSITION, `a worker process cannot take '${event}' while ${phase}; allowed: ${Object.keys(MOVES[phase]).join(', ') || 'none'}`);
    this.name = 'PhaseError';
  }
}

/** One process's phase: it starts in 'starting' and moves only by the table, telling `changed` after each move. */
export class PhaseMachine {
  private current: Phase = 'starting';
  /** One bit per phase it has been in (PHASES order): how it came to where it is. */
  private path = 1;

  constructor(private readonly changed: () => void = () => {}) {}

  get phase(): Phase {
    return this.current;
  }

  /** Whether the table allows `event` now. */
  can(event: PhaseEvent): boolean {
    return MOVES[this.current][event] !== undefined;
  }

  /** Whether it has been in `phase` (now included). */
  been(phase: Phase): boolean {
    return (this.path & (1 << PHASES.indexOf(phase))) !== 0;
  }

  /** Moves by `event`, or throws a PhaseError (PORTPLEX_ILLEGAL_TRANSITION) when the table refuses it. */
  move(event: PhaseEvent): Phase {
    const next = MOVES[this.current][event];
    if (next === undefined) throw new PhaseError(this.current, event);
    this.current = next;
    this.path |= 1 << PHASES.indexOf(next);
    this.changed();
    return next;
  }
}
