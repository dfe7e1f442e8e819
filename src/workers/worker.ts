// A worker: a stable id in a group, with its weight, and the process currently running for it.
// Processes come and go (restarts, reloads); the worker, its id and its counters stay.
import type { GroupConfig } from '../config/types.js';
import type { WorkerProcess } from './worker-process.js';

/** Why a worker's process was replaced while healthy: over its memory limit, its connections served, its HTTP requests received, or its lifetime. */
export type RecycleReason = 'memory' | 'connections' | 'requests' | 'lifetime';

export const RECYCLE_REASONS: readonly RecycleReason[] = ['memory', 'connections', 'requests', 'lifetime'];

export class Worker {
  private currentWeight: number;
  private proc: WorkerProcess | undefined;
  private lastPid = 0;
  private isRemoved = false;
  private restartCount = 0;
  private handedOverCount = 0;
  /** Direct accepts of the processes that ran for it before the current one. */
  private pastAccepted = 0;
  private unstable = 0;
  private readonly recycleCounts: Record<RecycleReason, number> = { memory: 0, connections: 0, requests: 0, lifetime: 0 };
  /** The last connection-rate sample: when, and the total then. */
  private rateAt = 0;
  private rateTotal = 0;
  private perSecond = 0;

  constructor(
    readonly id: number,
    readonly group: GroupConfig,
    weight: number,
    /** Its maximum of concurrent connections; 0 = unlimited. */
    readonly max: number,
    /** The weight undrain() gives back: the configured one (1 for workers added by scale). */
    readonly configuredWeight: number = weight,
  ) {
    this.currentWeight = weight;
  }

  get weight(): number {
    return this.currentWeight;
  }

  /** 0 drains it: no new connections, open ones go on. */
  setWeight(weight: number): void {
    this.currentWeight = weight;
  }

  /** The pid of its process, or of its last one while none runs (0 before the first). */
  get pid(): number {
    return this.proc?.pid ?? this.lastPid;
  }

  /** The process running for it now, if any. */
  get process(): WorkerProcess | undefined {
    return this.proc;
  }

  /** Makes `p` its process; returns the one it replaces. */
  attach(p: WorkerProcess): WorkerProcess | undefined {
    const old = this.proc;
    if (old) this.pastAccepted += old.direct.accepted;
    this.proc = p;
    this.lastPid = p.pid;
    return old;
  }

  /** `p` no longer runs for it (gone); false if it was not its process. */
  detach(p: WorkerProcess): boolean {
    if (this.proc !== p) return false;
    this.pastAccepted += p.direct.accepted;
    this.proc = undefined;
    return true;
  }

  /** Removed by a scale-down: drains, stops and is not restarted. */
  get removed(): boolean {
    return this.isRemoved;
  }

  remove(): void {
    this.isRemoved = true;
    this.currentWeight = 0;
  }

  /** May be sent a new connection on listener `l`. */
  accepts(l: number): boolean {
    return this.currentWeight > 0 && this.acceptsSession(l);
  }

  /**
   * May be sent a connection of a session it holds on listener `l`: as accepts(), drained or
   * not. Draining stops new sessions; the open ones go on, as HAProxy's persistence does.
   */
  acceptsSession(l: number): boolean {
    return !this.isRemoved && this.proc !== undefined && this.proc.accepts(l);
  }

  get restarts(): number {
    return this.restartCount;
  }

  get handedOver(): number {
    return this.handedOverCount;
  }

  /** Connections its processes accepted themselves (direct mode). */
  get directAccepted(): number {
    return this.pastAccepted + (this.proc?.direct.accepted ?? 0);
  }

  /** Times its process was replaced for `reason` (a recycle, not a crash). */
  recycles(reason: RecycleReason): number {
    return this.recycleCounts[reason];
  }

  countRecycle(reason: RecycleReason): void {
    this.recycleCounts[reason]++;
  }

  /** New connections per second between the last two samples. */
  get connectionRate(): number {
    return this.perSecond;
  }

  /** Samples its connection total at `now` (ms); the rate is over the time since the previous sample. */
  sampleRate(now: number): void {
    const total = this.handedOverCount + this.directAccepted;
    if (this.rateAt > 0 && now > this.rateAt) this.perSecond = ((total - this.rateTotal) * 1000) / (now - this.rateAt);
    this.rateAt = now;
    this.rateTotal = total;
  }

  /** Consecutive starts that died before they had been up long enough. */
  get unstableStarts(): number {
    return this.unstable;
  }

  countHandedOver(): void {
    this.handedOverCount++;
  }

  countRestart(): void {
    this.restartCount++;
  }

  /** Its current process ended; `unstable` is the new count of unstable starts in a row. */
  exited(unstable: number): void {
    this.unstable = unstable;
  }

  /** A new process became ready and stayed: its start was stable. */
  stableStart(): void {
    this.unstable = 0;
  }
}
