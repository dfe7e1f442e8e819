// The master's view of one worker: its process, readiness per listener, and its hand-over pipe.
import type { ChildProcess } from 'node:child_process';
import type { GroupConfig } from '../config/types.js';
import { HealthState } from '../health/health-state.js';
import type { FrameChannel } from '../ipc/frame-channel.js';
import type { Handoff } from './handoff.js';

export type WorkerState = 'starting' | 'ready' | 'stopping' | 'exited';

/** A process starting to replace a slot's current one (rolling reload). */
export interface Replacement {
  readonly child: ChildProcess;
  /** The listeners it serves, once it said so. */
  listening: boolean[];
  /** Ends the wait: true once ready, false if it died. */
  settle(ready: boolean): void;
}

/** One worker position (id stays across restarts; pid changes). */
export class WorkerSlot {
  child: ChildProcess | undefined;
  /** Our frames on the current process's IPC channel: connections and descriptors travel here. */
  frames: FrameChannel | undefined;
  pid = 0;
  state: WorkerState = 'exited';
  /** listening[listenerIndex]: the worker's application serves that listener. */
  readonly listening: boolean[] = [];
  startedAt = 0;
  readyAt = 0;
  /**
   * Connections sent and not yet answered, oldest first. The master keeps its copy of each until
   * the worker's ack, so a worker that dies with some in flight loses none of them.
   */
  readonly inFlight: Handoff[] = [];
  /** Connections assigned to this worker, waiting for the pipe. */
  readonly outbox: Handoff[] = [];
  /** Missed a hand-over deadline: gets nothing new until it answers again. */
  stalled = false;
  /** Silent so long that it was killed; its exit frees the connection in flight. */
  stuckKilled = false;
  /** Set around a re-pick so the worker that just refused is not chosen again. */
  excluded = false;
  /** Active health (heartbeats): an unhealthy worker gets no new connections. */
  readonly health = new HealthState();
  pingSeq = 0;
  pongSeq = 0;
  pingSentAt = 0;
  /** Last reported event-loop delay and heartbeat round trip, ms. */
  loopDelayMs = 0;
  rttMs = 0;
  /** Being replaced by a reload: gets nothing new until the switch. */
  switching = false;
  /** The process starting to replace this one, during a reload. */
  pending: Replacement | undefined;
  /** Asked to stop: finishes its pipe, then gets the stop message. */
  stopRequested = false;
  /** Consecutive starts that died before minUptime. */
  unstableStarts = 0;
  restarts = 0;
  handedOver = 0;
  failedHandoffs = 0;
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  /** Removed by a scale-down: drains, stops, and is not restarted. */
  removed = false;

  /** Direct mode: per listener, whether the current process holds a copy of the shared socket. */
  readonly shared: boolean[] = [];
  /** Direct mode: per listener, when the current process was last given the shared socket (ms). */
  readonly sharedAt: number[] = [];
  /** Direct mode: the process's own (negative) connection numbers -> record ids. */
  readonly directSeqs = new Map<number, number>();
  /** Direct mode: connections this slot's processes accepted themselves. */
  directAccepted = 0;

  constructor(
    readonly id: number,
    readonly group: GroupConfig,
    /** Position in its group, for weights. */
    readonly index: number,
    public weight: number,
    public max: number,
    /** The weight undrain() gives back: the configured one (1 for workers added by scale). */
    readonly configuredWeight: number = weight,
  ) {}

  /** Ready for new connections on `listener`. */
  accepts(listener: number): boolean {
    return this.state === 'ready' && this.listening[listener] === true && this.health.healthy && !this.stalled && !this.excluded && !this.switching;
  }

  /** Nothing in flight and nothing waiting. */
  get idle(): boolean {
    return this.inFlight.length === 0 && this.outbox.length === 0;
  }
}
