// Keeps a process running for every worker: forks it, restarts a crashed one with backoff,
// gives up on a crash loop, replaces processes one by one on reload, and stops them gracefully.
// It knows processes and their lifecycle only; what a process's exit means for connections,
// records and flows is the master's, told through one typed event per happening.
import type { Config } from '../config/types.js';
import { channels } from '../diagnostics.js';
import { CODES, EXIT, PortplexError } from '../errors.js';
import { processSubject, type EventKind, type EventSubject } from '../event-kinds.js';
import { CHANNEL_PIPE } from '../internals/channel-pipe.js';
import { WorkerOutput } from '../logs/worker-output.js';
import { unsupported } from '../internals/unsupported.js';
import type { BrokenReason } from '../ipc/frame-channel.js';
import type { WorkerListener } from '../ipc/protocol.js';
import { exitReason } from '../workers/exit-reason.js';
import type { Registry } from '../workers/registry.js';
import type { RecycleReason, Worker } from '../workers/worker.js';
import type { WorkerProcess } from '../workers/worker-process.js';
import { isCrashLoop, nextUnstableCount, restartDelay } from './backoff.js';
import { drawLimits } from './recycle.js';
import { LifetimeSpacing, lifetimeGap } from './recycle-spacing.js';
import { notReady, replaceProcess, rollingReload, type ReloadResult, type ReloadSteps } from './reload.js';
import { EXIT_AFTER_CHANNEL_MS, spawnProcess, type ProcessEvents } from './spawn.js';

export type { ReloadResult } from './reload.js';

/** What the supervisor tells the master. */
export interface SupervisorEvents extends Omit<ProcessEvents, 'gone' | 'lostChannel' | 'corrupt' | 'unframed'> {
  /** `p` is gone; `worker` is given when it was that worker's current process (it is detached right after). */
  gone(p: WorkerProcess, worker: Worker | undefined): void;
  /** A reload's new process `p` takes over from `old`, which finishes its connections under table key `key` (-1: it had exited). */
  switched(worker: Worker, p: WorkerProcess, old: WorkerProcess | undefined, key: number): void;
  /** A worker removed by a scale-down has no process left. */
  removed(worker: Worker): void;
  /** A process sent what cannot be framed (it is being killed). */
  corrupt(p: WorkerProcess, reason: BrokenReason, why: string): void;
  /** The master cannot go on: a crash loop, or a Node without an internal portplex needs. */
  fatal(err: PortplexError): void;
  /** A lifecycle event the log carries no line of its own for: a process forked, a restart scheduled. */
  event(kind: EventKind, message: string, about: EventSubject): void;
}

export class Supervisor {
  private stopping = false;
  private reloading = false;
  private readonly restartTimers = new Map<Worker, NodeJS.Timeout>();
  /** A reload's new processes not yet switched to: stop and the second signal must reach them too. */
  private readonly replacements = new Set<WorkerProcess>();
  private readonly processEvents: ProcessEvents;
  /** The one recycle under way (a single worker's replacement), if any. */
  private recycling: Promise<void> | undefined;
  private readonly lifetimeSpacing = new LifetimeSpacing();
  /** With logPrefix: where the processes' stdout and stderr go, line by line. */
  private readonly output: WorkerOutput | undefined;

  constructor(
    private readonly config: Config,
    private readonly registry: Registry,
    /** The listeners a worker's processes serve, as they are told. */
    private readonly listenersOf: (worker: Worker) => WorkerListener[],
    private readonly events: SupervisorEvents,
  ) {
    this.output = config.logPrefix
      ? new WorkerOutput({ format: config.logFormat, maxLine: config.logMaxLine, severalGroups: config.groups.length > 1 })
      : undefined;
    this.processEvents = {
      message: (p, m) => events.message(p, m),
      malformed: (p) => events.malformed(p),
      frame: (p, type, b, start, end, handle) => events.frame(p, type, b, start, end, handle),
      log: (line, kind, about) => events.log(line, kind, about),
      corrupt: (p, reason, why) => {
        events.corrupt(p, reason, why);
        if (p.condemn()) {
          events.log(`worker ${p.workerId} (pid ${p.pid}) wrote what cannot be read on its IPC channel (${reason}: ${why}); killing it`, 'channel', processSubject(p));
          p.kill('SIGKILL');
        }
      },
      lostChannel: (p) => {
        // Nothing it was sent may go elsewhere while it lives: replace it.
        if (p.condemn()) {
          events.log(`worker ${p.workerId} (pid ${p.pid}) closed its IPC channel and was still running ${EXIT_AFTER_CHANNEL_MS} ms later; killing it`, 'channel', processSubject(p));
          p.kill('SIGKILL');
        }
      },
      unframed: (p) => {
        p.condemn();
        p.kill('SIGKILL');
        events.fatal(unsupported(CHANNEL_PIPE));
      },
      gone: (p) => this.onGone(p),
    };
  }

  /** Starts a process for every worker. */
  startAll(): void {
    for (const w of this.registry.workers) this.start(w);
  }

  /** Starts a process for `worker` (at start, on restart, or added by scale) and makes it current. */
  start(worker: Worker): void {
    const p = this.spawn(worker);
    worker.attach(p);
    const timer = setTimeout(() => {
      if (worker.process === p && p.state === 'starting' && p.condemn()) {
        this.events.log(`worker ${worker.id} (pid ${p.pid}) ${notReady(worker.group, this.portsOf(worker), this.config.readyTimeout)}; killing it`, 'unhealthy', processSubject(p));
        p.kill('SIGKILL');
      }
    }, this.config.readyTimeout);
    timer.unref();
    void p.whenReady().then(() => clearTimeout(timer));
  }

  /** Forks a process for `worker` without making it current (a reload's replacement), with its own recycling limits. */
  spawn(worker: Worker): WorkerProcess {
    const p = spawnProcess(worker, this.config, this.listenersOf(worker), this.processEvents, this.output);
    p.assignLimits(drawLimits(worker.group));
    // One that could not be started (no pid) is said by its exit.
    if (p.pid > 0) this.events.event('start', `worker ${worker.id} (pid ${p.pid}) started`, processSubject(p));
    return p;
  }

  /** Asks `worker`'s process to stop (scale-down): it finishes its connections, and is not restarted. */
  retireWorker(worker: Worker): void {
    worker.remove();
    const p = worker.process;
    if (p === undefined) {
      this.cancelRestart(worker);
      this.events.removed(worker);
      return;
    }
    p.requestStop();
  }

  private portsOf(worker: Worker): string {
    return this.listenersOf(worker).map((l) => l.port).join(', ') || 'its ports';
  }

  private onGone(p: WorkerProcess): void {
    const worker = this.registry.byId(p.workerId);
    const current = worker !== undefined && worker.process === p;
    if (current && channels.workerExit.hasSubscribers) {
      channels.workerExit.publish({ worker: p.workerId, pid: p.pid, code: p.exit?.code ?? null, signal: p.exit?.signal ?? null, uptime: Date.now() - p.startedAt });
    }
    this.events.gone(p, current ? worker : undefined);
    // A retired process's key is free once the master has forgotten its records.
    this.registry.release(p);
    if (!current) return;
    worker.detach(p);
    this.afterExit(worker, p);
  }

  private afterExit(worker: Worker, p: WorkerProcess): void {
    if (this.stopping) return;
    if (worker.removed) {
      this.events.removed(worker);
      return;
    }
    const unstable = nextUnstableCount(worker.unstableStarts, Date.now() - p.startedAt, p.readyAt > 0, this.config);
    worker.exited(unstable);
    if (isCrashLoop(unstable, this.config)) {
      this.events.fatal(new PortplexError(
        CODES.CRASH_LOOP,
        `worker ${worker.id} (${worker.group.script}) died ${unstable} times in a row before it had been up ` +
          `${this.config.minUptime} ms (last: it ${exitReason(p)}); giving up instead of restarting it again. ` +
          'Run the script directly with node to see why it fails.',
        EXIT.crashLoop,
      ));
      return;
    }
    worker.countRestart();
    const delay = restartDelay(unstable, this.config);
    const backoff = delay > 0 ? `in ${delay} ms, replacing pid ${p.pid} (backoff: ${unstable} unstable start${unstable === 1 ? '' : 's'} in a row)` : `now, replacing pid ${p.pid}`;
    this.events.event('restart', `worker ${worker.id} restarts ${backoff}`, processSubject(p));
    const timer = setTimeout(() => {
      this.restartTimers.delete(worker);
      if (!this.stopping && worker.process === undefined) this.start(worker);
    }, delay);
    this.restartTimers.set(worker, timer);
  }

  /** A reload is taking `worker` over with its new process: a restart scheduled for it is not needed. */
  cancelRestart(worker: Worker): void {
    const timer = this.restartTimers.get(worker);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.restartTimers.delete(worker);
  }

  /**
   * Zero-downtime rolling restart, one worker at a time. A new process that never becomes ready
   * is killed and the old one kept: the result says which and why.
   */
  async reload(): Promise<ReloadResult> {
    if (this.reloading) return { replaced: [], failed: { worker: 0, reason: 'a reload is already running' } };
    this.reloading = true;
    try {
      // One replacement at a time per worker: a recycle under way finishes first.
      if (this.recycling) await this.recycling;
      return await rollingReload(this.registry, this.config, this.replaceSteps());
    } finally {
      this.reloading = false;
    }
  }

  /**
   * Replaces `worker`'s healthy process as a reload does, new process first, for `reason`
   * (`why` is for the log). One recycle at a time, none during a reload, and a group's lifetime
   * recycles spaced (recycle-spacing.ts): false when it did not start; the next heartbeat asks again.
   */
  recycle(worker: Worker, reason: RecycleReason, why: string): boolean {
    const old = worker.process;
    if (this.stopping || this.reloading || this.recycling || worker.removed || old === undefined || old.state !== 'ready') return false;
    if (reason === 'lifetime') {
      const group = worker.group;
      const now = Date.now();
      if (this.lifetimeSpacing.wait(group.name, lifetimeGap(group.maxLifetimeJitter, this.groupSize(group.name)), now) > 0) return false;
      this.lifetimeSpacing.began(group.name, now);
    }
    this.events.log(`worker ${worker.id} (pid ${old.pid}) ${why}; replacing it, new process first`, 'recycle', processSubject(old));
    const steps = this.replaceSteps();
    const switched = steps.switched;
    // Counted when the new process takes over (not when the old one crashed meanwhile and a restart did).
    steps.switched = (w, p, was, key) => {
      worker.countRecycle(reason);
      switched(w, p, was, key);
    };
    this.recycling = replaceProcess(worker, this.registry, this.config, steps, 'recycle').then((failure) => {
      if (failure !== undefined) this.events.log(`recycle: worker ${worker.id} kept pid ${old.pid}: ${failure}`, 'recycle', processSubject(old));
    }).finally(() => {
      this.recycling = undefined;
    });
    return true;
  }

  /** Workers of group `name` now (scale changes it), not counting those being removed. */
  private groupSize(name: string): number {
    let n = 0;
    for (const w of this.registry.workers) if (w.group.name === name && !w.removed) n++;
    return n;
  }

  private replaceSteps(): ReloadSteps {
    return {
      spawn: (w) => {
        const p = this.spawn(w);
        this.replacements.add(p);
        void p.whenGone().then(() => this.replacements.delete(p));
        return p;
      },
      stopping: () => this.stopping,
      switched: (w, p, old, key) => {
        this.replacements.delete(p);
        this.cancelRestart(w);
        this.events.switched(w, p, old, key);
      },
      log: (line, kind, about) => this.events.log(line, kind, about),
    };
  }

  /** No process is started or restarted from now on (a forced stop, before its signals go out). */
  halt(): void {
    this.stopping = true;
    for (const t of this.restartTimers.values()) clearTimeout(t);
    this.restartTimers.clear();
  }

  /** Signals every process now (a second Ctrl-C). */
  killAll(signal: NodeJS.Signals): void {
    for (const w of this.registry.workers) w.process?.kill(signal);
    for (const p of this.registry.retiredProcesses()) p.kill(signal);
    for (const p of this.replacements) p.kill(signal);
  }

  /** Graceful stop: processes finish in-flight work up to `grace` ms, then are killed. Resolves true when none had to be. */
  async stop(grace: number): Promise<boolean> {
    this.halt();
    const running = [
      ...this.registry.workers.map((w) => w.process).filter((p): p is WorkerProcess => p !== undefined),
      ...this.registry.retiredProcesses(),
    ];
    // A reload's new process not switched to yet holds nothing: it goes at once.
    for (const p of this.replacements) p.kill('SIGKILL');
    const exits = [...running, ...this.replacements].map((p) => p.whenGone());
    for (const p of running) p.requestStop();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.all(exits).then(() => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), grace); }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const p of running) {
        p.condemn();
        p.kill('SIGKILL');
      }
      await Promise.all(exits);
    }
    return !timedOut;
  }
}

