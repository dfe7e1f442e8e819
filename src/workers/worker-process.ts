// One forked worker process, as the master sees it: its channel, its lifecycle, and the
// connections sent to it and not yet answered. A restart or a reload makes a new object; nothing
// of a process is ever reset for the next one. Its fields change only through its methods, and
// its lifecycle only through move(), by the table in process-phase.ts.
import { HealthState } from '../health/health-state.js';
import { Heartbeat } from '../health/heartbeat.js';
import { CMD, type ToWorker } from '../ipc/protocol.js';
import { DirectLedger } from './direct-ledger.js';
import type { Handoff } from './handoff.js';
import { HandoffWindow } from './handoff-window.js';
import { PhaseMachine, READY_ANSWER, SHOWN, type Phase, type PhaseEvent, type ProcessState } from './process-phase.js';
import { Serving } from './serving.js';
import { Waiters } from './waiters.js';

export type { ProcessState } from './process-phase.js';

/** The process's IPC channel as the master uses it; tests give a fake one. */
export interface ProcessChannel {
  /** Writes one frame, with a descriptor if given; false when the channel is closed. */
  write(frame: Buffer, handle?: unknown, done?: (status: number) => void): boolean;
  /** Sends one JSON message; false when the channel is closed. */
  send(message: ToWorker): boolean;
  readonly connected: boolean;
  /** Signals the process and what it started (see supervisor/kill-group.ts). */
  kill(signal: NodeJS.Signals): void;
}

/** How a process ended: its exit code or signal (both null when it never started). */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const STOP: ToWorker = { cmd: CMD, t: 'stop' };

/** When a process is to be replaced, its own figures (its group's limit plus its jitter); 0 = no limit. */
export interface RecycleLimits {
  /** HTTP requests its servers may receive. */
  readonly maxRequests: number;
  /** ms it may be ready. */
  readonly maxLifetime: number;
}

const NO_LIMITS: RecycleLimits = Object.freeze({ maxRequests: 0, maxLifetime: 0 });

export class WorkerProcess {
  /** Active health (heartbeats): an unhealthy process gets no new connections. */
  readonly health = new HealthState();
  readonly heartbeat = new Heartbeat();
  /** Direct mode: what it accepted itself, and the shared sockets it holds. */
  readonly direct = new DirectLedger();
  /** What its application serves, and whether its servers have room. */
  private readonly serving = new Serving();
  private readonly window = new HandoffWindow<Handoff>();
  /**
   * Connections it took and has not begun on (read or written), kept in the order they were
   * taken: the master still holds a copy of each, so should this process die, another worker
   * serves them whole.
   */
  private readonly untouched = new Map<number, Handoff>();
  /** ms timestamp of its last answer for a connection (taken or refused), or 0. */
  private answeredAt = 0;
  private readonly waiters = new Waiters();
  /** Its lifecycle: every change of phase goes through it, and wakes the waiters once. */
  private readonly life = new PhaseMachine(() => this.waiters.check());
  private readySince = 0;
  private exitStatus: ExitStatus | undefined;
  /** The signals portplex sent it, so that its exit by one of them is told from a kill from outside. */
  private signalsSent: NodeJS.Signals[] = [];
  /** What the app's last failed listen() was, as the master logged it. */
  private failedListen: string | undefined;
  /** Connections it acknowledged (dispatch mode); its direct accepts are counted in `direct`. */
  private handedOverCount = 0;
  /** HTTP requests its servers received, as it last reported; -1 before it has. */
  private requestCount = -1;
  private recycleLimits: RecycleLimits = NO_LIMITS;

  constructor(
    /** The stable id of the worker this process runs for. */
    readonly workerId: number,
    readonly group: string,
    /** 0 when the spawn failed. */
    readonly pid: number,
    private readonly channel: ProcessChannel,
    readonly startedAt: number,
  ) {}

  /** Its lifecycle phase (process-phase.ts). */
  get phase(): Phase {
    return this.life.phase;
  }

  /** The state users see: starting, ready, stopping, exited. */
  get state(): ProcessState {
    return SHOWN[this.life.phase];
  }

  /** Whether the table allows `event` in its phase now. */
  can(event: PhaseEvent): boolean {
    return this.life.can(event);
  }

  /** ms timestamp when it became ready, or 0. */
  get readyAt(): number {
    return this.readySince;
  }

  /** The process has not exited (its exit may not have been seen yet). */
  private get alive(): boolean {
    const now = this.life.phase;
    return now !== 'exited' && now !== 'gone';
  }

  get connected(): boolean {
    return this.alive && this.channel.connected;
  }

  /** How it ended, once it has. */
  get exit(): ExitStatus | undefined {
    return this.exitStatus;
  }

  /**
   * It was asked to stop and left by itself with status 0: its drain finished, so every
   * connection it had was ended where its client knew it ended (records still open then are
   * close reports that did not make it out, not connections cut).
   */
  get drained(): boolean {
    return this.stopRequested && this.exitStatus?.code === 0;
  }

  /** Connections this process has been given or accepted itself, in its life. */
  get served(): number {
    return this.handedOverCount + this.direct.accepted;
  }

  /** It acknowledged one more connection. */
  countHandedOver(): void {
    this.handedOverCount++;
  }

  /** HTTP requests its servers have received, as its last heartbeat answer said; -1 before one did. */
  get requests(): number {
    return this.requestCount;
  }

  /** A heartbeat answer reported `total` requests; -1 (it did not say) keeps the last figure. */
  reportRequests(total: number): void {
    if (total >= 0) this.requestCount = total;
  }

  /** Its own recycling limits (none until set). */
  get limits(): RecycleLimits {
    return this.recycleLimits;
  }

  /** Sets its own recycling limits, drawn once when it is spawned. */
  assignLimits(limits: RecycleLimits): void {
    this.recycleLimits = limits;
  }

  /** It was asked to stop (shutdown, scale-down, recycle, reload): it has been draining or stopping. */
  get stopRequested(): boolean {
    return this.life.been('draining') || this.life.been('stopping');
  }

  /** On its way out without being asked (cut off, being killed, or exited): its end is near. */
  get ending(): boolean {
    const now = this.life.phase;
    return now === 'unreachable' || now === 'condemned' || now === 'exited';
  }

  /** Whether portplex sent it `signal`. */
  signalledWith(signal: NodeJS.Signals): boolean {
    return this.signalsSent.includes(signal);
  }

  /** The app's last failed listen(), e.g. "the app's listen(3000) failed: EADDRINUSE ...", if one failed. */
  get listenFailure(): string | undefined {
    return this.failedListen;
  }

  /** The app's listen() failed as `what` says; true when that differs from the failure before (to be logged). */
  listenFailed(what: string): boolean {
    if (this.failedListen === what) return false;
    this.failedListen = what;
    return true;
  }

  /** Connections sent and not yet answered. */
  get inFlight(): number {
    return this.window.size;
  }

  /** ms its oldest unanswered connection has waited (0 with none). */
  waited(now: number): number {
    return this.window.waited(now);
  }

  /** ms since it last answered for a connection (Infinity if it never has). */
  sinceAnswer(now: number): number {
    return this.answeredAt === 0 ? Infinity : now - this.answeredAt;
  }

  /** It has answered since its oldest connection in flight was sent (true with none in flight). */
  get answeredSinceOldest(): boolean {
    return this.window.answeredSinceOldest;
  }

  /** Missed a hand-over deadline and has not answered since. */
  get stalled(): boolean {
    return this.window.stalled;
  }

  /**
   * May be sent a new connection on listener `l`: the one definition every path uses. Its phase
   * says it is up and not on its way out; the rest are facts beside the lifecycle.
   */
  accepts(l: number): boolean {
    return this.life.phase === 'ready' &&
      this.serving.takes(l) &&
      this.health.healthy && !this.window.stalled &&
      this.channel.connected;
  }

  /** Up, with its application serving listener `l` (UDP flows stay with such a process). */
  serves(l: number): boolean {
    return SHOWN[this.life.phase] === 'ready' && this.serving.listening(l);
  }

  listening(l: number): boolean {
    return this.serving.listening(l);
  }

  /** The listeners it serves, in order. */
  listeningList(): number[] {
    return this.serving.list();
  }

  /** Its application serves exactly `listeners` now. */
  setListening(listeners: readonly number[]): void {
    this.serving.set(listeners);
  }

  /** It refused a connection of listener `l` for want of a server there. */
  unlisten(l: number): void {
    this.serving.unlisten(l);
  }

  /** Refused a connection with its server full: none until one of its connections closes. */
  markFull(): void {
    this.serving.markFull();
  }

  /** One of its connections closed: room again. */
  markRoom(): void {
    this.serving.markRoom();
  }

  /** starting -> ready; false if it was not starting (too late, or said twice). */
  markReady(now: number): boolean {
    if (!this.can('ready')) return false;
    this.readySince = now;
    this.life.move('ready');
    return true;
  }

  /** Resolves true once it is ready, false if it is gone first (or stopped before it got there). */
  whenReady(): Promise<boolean> {
    return this.waiters.until(() => READY_ANSWER[this.life.phase]);
  }

  /** Sends connection `h` (its frame and descriptor in one write); false when the channel is closed. */
  handOver(h: Handoff, frame: Buffer): boolean {
    this.window.push(h);
    return this.channel.write(frame, h.handle);
  }

  /**
   * The process answered for connection `id` (took it, or refused it): returns it, or undefined
   * when it is not one in flight here. A process asked to stop gets its stop once nothing is
   * left in flight, so that nothing it was sent is refused only because the stop came first.
   */
  settle(id: number, now: number = Date.now()): Handoff | undefined {
    const h = this.window.take(id);
    if (h !== undefined) this.answeredAt = now;
    if (h !== undefined && this.window.size === 0) this.becameIdle();
    return h;
  }

  /** True the moment its oldest connection has waited more than `deadline` ms. */
  missDeadline(now: number, deadline: number): boolean {
    return this.window.missDeadline(now, deadline);
  }

  /** It took `h`, and the master keeps its copy until it begins on it. */
  keep(h: Handoff): void {
    this.untouched.set(h.id, h);
  }

  /** Connections it took and has not begun on. */
  get untouchedCount(): number {
    return this.untouched.size;
  }

  /** Connections the master holds a copy of for it: in flight, and taken but not begun on. */
  get holds(): number {
    return this.window.size + this.untouched.size;
  }

  /** It began on connection `id` (or closed it): the master's copy, if it kept one, for closing. */
  begun(id: number): Handoff | undefined {
    const h = this.untouched.get(id);
    if (h !== undefined) this.untouched.delete(id);
    return h;
  }

  /** The kept copies taken before `cutoff` (ms), oldest first, handed to `each` and forgotten. */
  expireUntouched(cutoff: number, each: (h: Handoff) => void): void {
    for (const [id, h] of this.untouched) {
      if (h.since >= cutoff) return;
      this.untouched.delete(id);
      each(h);
    }
  }

  /** What it took and had not begun on: its process is gone, so these are still whole. */
  releaseUntouched(): Handoff[] {
    const all = [...this.untouched.values()];
    this.untouched.clear();
    return all;
  }

  /** Everything it was sent and did not answer: its process is gone, so none of it arrived. */
  releaseAll(): Handoff[] {
    const all = this.window.takeAll();
    this.becameIdle();
    return all;
  }

  /** Resolves once nothing is in flight to it (or it is gone). */
  whenIdle(): Promise<void> {
    return this.waiters.when(() => this.window.size === 0 || this.life.phase === 'gone');
  }

  /** About to be replaced (reload), or it said it is stopping: gets nothing new, its stop comes later. */
  beginLeaving(): void {
    if (this.life.can('leave')) this.life.move('leave');
  }

  /**
   * Gets nothing new; stops once nothing is in flight (at once when idle). Nothing to do when it
   * was asked already or is on its way out.
   */
  requestStop(): void {
    if (this.life.phase === 'draining' || !this.life.can('stop')) return;
    if (this.window.size > 0) this.life.move('drain');
    else this.stop();
  }

  /** Being killed; true the first time (the caller sends the signal), false after or once it has exited. */
  condemn(): boolean {
    if (!this.life.can('condemn')) return false;
    this.life.move('condemn');
    return true;
  }

  /** Alive without its IPC channel: it can neither take connections nor report them. */
  lostChannel(): void {
    if (this.life.can('lostChannel')) this.life.move('lostChannel');
  }

  /** The process exited with `status`: nothing new may go to it; what it said last is still to be read. */
  markExited(status: ExitStatus): void {
    this.exitStatus = status;
    if (this.life.can('exit')) this.life.move('exit');
  }

  /** The process is gone (exited, and its channel drained; or it never started). */
  markGone(status: ExitStatus): void {
    this.exitStatus = status;
    if (this.life.can('exit')) this.life.move('exit');
    this.life.move('gone');
  }

  /** Resolves once the process is gone. */
  whenGone(): Promise<void> {
    return this.waiters.when(() => this.life.phase === 'gone');
  }

  /** Sends one message; false when the channel is closed. */
  send(message: ToWorker): boolean {
    return this.life.phase !== 'gone' && this.channel.send(message);
  }

  /** Writes one frame (a listener's shared socket, datagrams); false when the channel is closed. */
  write(frame: Buffer, handle?: unknown, done?: (status: number) => void): boolean {
    return this.life.phase !== 'gone' && this.channel.write(frame, handle, done);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.life.phase !== 'gone') this.signal(signal);
  }

  private signal(signal: NodeJS.Signals): void {
    // One sent after its exit did not end it.
    if (this.alive && !this.signalsSent.includes(signal)) this.signalsSent.push(signal);
    this.channel.kill(signal);
  }

  private stop(): void {
    const was = this.life.phase;
    this.life.move('stop');
    // One that has not spoken yet may not listen for messages either (Node does not keep
    // internal messages for late listeners): a signal reaches it for sure.
    if (was === 'starting') this.signal('SIGTERM');
    else this.channel.send(STOP);
  }

  /** Nothing is in flight any more: a draining process gets its stop now; waiters for idle hear it. */
  private becameIdle(): void {
    if (this.life.phase === 'draining') this.stop();
    else this.waiters.check();
  }
}
