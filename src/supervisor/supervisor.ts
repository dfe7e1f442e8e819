// Forks workers, watches them, restarts crashed ones with backoff, and stops them gracefully.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/types.js';
import { channels } from '../diagnostics.js';
import { CODES, EXIT, PortplexError } from '../errors.js';
import { FrameChannel } from '../ipc/frame-channel.js';
import { CHANNEL_PIPE } from '../internals/channel-pipe.js';
import { unsupported } from '../internals/unsupported.js';
import { FRAME } from '../ipc/frames.js';
import { ENV, isOurs, type WorkerListener } from '../ipc/messages.js';
import type { Dispatcher } from '../master/dispatcher.js';
import type { BoundAddress } from '../master/listener.js';
import type { RawHandle } from '../internals/tcp-handle.js';
import type { WorkerSlot } from '../master/worker-slot.js';
import { killGroup } from './kill-group.js';
import { isCrashLoop, nextUnstableCount, restartDelay } from './backoff.js';

const PRELOAD = new URL('../worker/preload.js', import.meta.url);

/** What a rolling reload did. */
export interface ReloadResult {
  /** Workers now running a new process. */
  replaced: number[];
  /** The worker whose new process failed, and why; the reload stopped there. */
  failed?: { worker: number; reason: string };
}

/** Events: 'worker-ready' (slot), 'worker-exit' (slot, code, signal), 'fatal' (PortplexError: a crash loop, or a Node without an internal portplex needs), 'log' (string). */
export class Supervisor extends EventEmitter {
  private stopping = false;
  private reloading = false;
  private readonly timers = new Map<WorkerSlot, NodeJS.Timeout>();
  /** Processes retired by a reload, finishing their connections, with their table keys. */
  private readonly retired = new Map<ChildProcess, number>();
  /** Each process's frames on its IPC channel. */
  private readonly frames = new WeakMap<ChildProcess, FrameChannel>();
  /** Table keys for retired processes: above any worker id, within the table's worker range. */
  private readonly freeKeys: number[] = Array.from({ length: 5000 }, (_, i) => 65535 - i);
  /** Set by the master: a process's R frame, datagrams for UDP clients (slot undefined for a retired process). */
  onDatagramReplies: (slot: WorkerSlot | undefined, key: number, b: Buffer, start: number, end: number) => void = () => {};
  /** Set by the master: the listeners a worker serves changed. */
  onListeningChanged: (slot: WorkerSlot) => void = () => {};

  constructor(
    private readonly config: Config,
    private readonly slots: readonly WorkerSlot[],
    private readonly dispatcher: Dispatcher,
    private readonly bound: readonly BoundAddress[],
  ) {
    super();
  }

  startAll(): void {
    for (const slot of this.slots) this.fork(slot);
  }

  /** Starts a slot added after start (scale up). */
  startSlot(slot: WorkerSlot): void {
    this.fork(slot);
  }

  private workerListeners(slot: WorkerSlot): WorkerListener[] {
    return this.bound
      .filter((l) => l.config.groups.includes(slot.group.name))
      .map((l): WorkerListener => {
        const base: WorkerListener = { i: l.config.index, protocol: l.config.protocol, address: l.address, port: l.port, family: l.family };
        // Direct mode: the listener's own group accepts; the groups its rules name get what the
        // accepting workers hand back through the master, as in dispatch mode.
        if (l.config.mode !== 'direct' || l.config.group !== slot.group.name) return base;
        const direct: WorkerListener = { ...base, d: 1, b: this.config.backlog };
        if (l.config.content) {
          direct.c = l.config.content;
          direct.g = l.config.groups;
        }
        return direct;
      });
  }

  /** Forks a process for `slot` and makes it the slot's current one. */
  private fork(slot: WorkerSlot): void {
    const child = this.spawn(slot);
    this.makeCurrent(slot, child);
    slot.state = 'starting';
    slot.readyAt = 0;
    slot.listening.length = 0;
    const readyTimer = setTimeout(() => {
      if (slot.child === child && slot.state === 'starting') {
        this.emit('log', `worker ${slot.id} (pid ${slot.pid}) did not listen on ${this.portsOf(slot)} within ${this.config.readyTimeout} ms; killing it`);
        this.kill(slot, 'SIGKILL');
      }
    }, this.config.readyTimeout);
    readyTimer.unref();
    child.once('exit', () => clearTimeout(readyTimer));
  }

  private makeCurrent(slot: WorkerSlot, child: ChildProcess): void {
    slot.child = child;
    slot.frames = this.frames.get(child);
    slot.pid = child.pid ?? 0;
    slot.startedAt = Date.now();
    slot.stopRequested = false;
    slot.health.reset();
    slot.pingSentAt = 0;
  }

  private portsOf(slot: WorkerSlot): string {
    return this.workerListeners(slot).map((l) => l.port).join(', ') || 'its ports';
  }

  /**
   * Forks a worker process for `slot`. Its events are routed by the role it has when they
   * happen: the slot's current process, a replacement still starting (reload), or a retired
   * process finishing its connections.
   */
  private spawn(slot: WorkerSlot): ChildProcess {
    const group = slot.group;
    const listeners = this.workerListeners(slot);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...group.env,
      [ENV.workerId]: String(slot.id),
      [ENV.group]: group.name,
      [ENV.listeners]: JSON.stringify(listeners),
      // Refuse well before the master's deadline (see WorkerRuntime.adopt).
      [ENV.staleAfter]: String(Math.floor(this.config.handoffTimeout / 2)),
      // The window never runs dry waiting for acks the worker is still gathering.
      [ENV.ackBatch]: String(Math.max(1, Math.floor(this.config.handoffWindow / 2))),
      PORTPLEX_GRACE: String(this.config.grace),
    };
    // Applications commonly listen on process.env.PORT.
    if (listeners.length > 0) env.PORT = String(listeners[0].port);
    const child = fork(group.script, [...group.args], {
      cwd: group.cwd,
      env,
      execArgv: [...group.execArgv, '--import', PRELOAD.href],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Own process group: a terminal's Ctrl-C reaches only the master, which drains workers in order.
      detached: true,
    });
    let exited = false;
    let disconnected = false;
    const gone = (): void => {
      if (!exited || !disconnected) return;
      if (slot.child === child) {
        this.dispatcher.workerGone(slot);
        this.afterExit(slot);
      } else if (this.retired.has(child)) {
        this.dispatcher.table.purgeWorker(this.retired.get(child)!);
        this.dispatcher.forgetRetired(this.retired.get(child)!);
        this.freeKeys.push(this.retired.get(child)!);
        this.retired.delete(child);
      } else if (slot.pending?.child === child) {
        slot.pending.settle(false);
      }
    };
    const frames = FrameChannel.open(child, (type, b, start, end, handle) => {
      if (type === FRAME.replies) {
        // The most frequent frames of a UDP service. A retired process may still answer flows
        // it was sent before the switch; a replacement still starting has none.
        if (slot.child === child) this.onDatagramReplies(slot, slot.id, b, start, end);
        else if (this.retired.has(child)) this.onDatagramReplies(undefined, this.retired.get(child)!, b, start, end);
      } else if (slot.child === child) {
        this.dispatcher.onFrame(slot, type, b, start, end, handle as RawHandle | undefined);
      } else {
        // A replacement still starting has nothing to report; a retired one only its closes.
        handle?.close();
        if (this.retired.has(child)) this.dispatcher.onRetiredFrame(this.retired.get(child)!, type, b, start, end);
      }
    }, (why) => {
      // Nothing it says can be framed any more: it can no longer report what it took. Replace it.
      this.dispatcher.stats.malformed++;
      this.emit('log', `worker ${slot.id} (pid ${child.pid}) sent a corrupt frame (${why}); killing it`);
      killGroup(child, 'SIGKILL');
    });
    if (frames) this.frames.set(child, frames);
    else if (child.pid !== undefined) {
      // This Node keeps no pipe where portplex looks for it: no connection could ever reach the
      // worker, so stop at once, naming what is missing, instead of restarting it forever.
      killGroup(child, 'SIGKILL');
      this.emit('fatal', unsupported(CHANNEL_PIPE));
    }
    child.on('internalMessage', (m: unknown, handle: unknown) => {
      if (!isOurs(m)) return;
      const msg = m as unknown as Record<string, unknown>;
      if (slot.child === child) this.onMessage(slot, msg, handle as RawHandle | undefined);
      else if (slot.pending?.child === child) this.onPendingMessage(slot, msg);
    });
    child.on('error', (err) => {
      this.emit('log', `worker ${slot.id}: ${err.message}`);
      if (child.pid === undefined && !exited) {
        // The process never started (EAGAIN, EMFILE): Node emits no 'exit' for that.
        exited = true;
        disconnected = true;
        if (slot.child === child) {
          slot.state = 'exited';
          slot.lastExit = { code: null, signal: null };
        }
        gone();
      }
    });
    // Messages are only all read once the channel reports its end; exit alone may come first.
    child.on('disconnect', () => {
      disconnected = true;
      if (slot.child === child && !exited && (slot.state === 'starting' || slot.state === 'ready')) {
        // Alive without a channel: it can neither take connections nor say which it took, so
        // nothing it was sent may go elsewhere while it lives. Replace it.
        slot.state = 'stopping';
        this.emit('log', `worker ${slot.id} (pid ${slot.pid}) closed its IPC channel; replacing it`);
        this.kill(slot, 'SIGKILL');
      }
      gone();
    });
    child.on('exit', (code, signal) => {
      exited = true;
      if (!child.connected) disconnected = true;
      if (slot.child === child) {
        slot.state = 'exited';
        slot.lastExit = { code, signal };
        if (channels.workerExit.hasSubscribers) {
          channels.workerExit.publish({ worker: slot.id, pid: slot.pid, code, signal, uptime: Date.now() - slot.startedAt });
        }
        this.emit('worker-exit', slot, code, signal);
      }
      gone();
    });
    return child;
  }

  /** A replacement that is still starting may only say it is ready. */
  private onPendingMessage(slot: WorkerSlot, m: Record<string, unknown>): void {
    const pending = slot.pending!;
    if (m.t === 'listening') {
      const listening = this.validListeners(slot, m.l);
      if (listening) {
        pending.listening = listening;
        if (listening.some(Boolean)) pending.settle(true);
      }
    } else if (m.t === 'ready') {
      pending.settle(true);
    }
  }

  /** The listener flags a 'listening' message claims, keeping only those serving this worker's group; undefined if malformed. */
  private validListeners(slot: WorkerSlot, l: unknown): boolean[] | undefined {
    if (!Array.isArray(l) || l.length > this.bound.length) return undefined;
    const flags: boolean[] = [];
    for (const i of l) {
      if (Number.isInteger(i) && i >= 0 && i < this.bound.length && this.bound[i].config.groups.includes(slot.group.name)) flags[i] = true;
    }
    return flags;
  }

  private onMessage(slot: WorkerSlot, m: Record<string, unknown>, handle: RawHandle | undefined): void {
    // Descriptors travel in our frames only; one sent with a JSON message is refused.
    if (handle !== undefined && typeof handle.close === 'function') handle.close();
    switch (m.t) {
      case 'listening': {
        const listening = this.validListeners(slot, m.l);
        if (!listening) break;
        slot.listening.length = 0;
        listening.forEach((on, i) => { if (on) slot.listening[i] = true; });
        if (listening.some(Boolean)) this.markReady(slot);
        this.onListeningChanged(slot);
        this.dispatcher.drainQueue();
        this.emit('listening', slot);
        return;
      }
      case 'ready':
        this.markReady(slot);
        this.dispatcher.drainQueue();
        return;
      case 'pong':
        this.emit('pong', slot, m);
        return;
      case 'metrics':
        this.emit('metrics', slot, m);
        return;
      case 'peers':
        this.dispatcher.onPeers(slot, m.p);
        this.emit('peers', slot, m);
        return;
      case 'agent':
        this.emit('agent', slot, m);
        return;
      case 'la':
        // Direct mode: the worker listens on the shared socket it was given.
        if (typeof m.l === 'number') this.emit('shared-listening', slot, m.l);
        return;
    }
    this.dispatcher.onMessage(slot, m);
  }

  private markReady(slot: WorkerSlot): void {
    if (slot.state !== 'starting') return;
    slot.state = 'ready';
    slot.readyAt = Date.now();
    this.emit('worker-ready', slot);
  }

  private afterExit(slot: WorkerSlot): void {
    slot.child = undefined;
    slot.frames = undefined;
    if (this.stopping) return;
    if (slot.removed) {
      this.emit('removed', slot);
      return;
    }
    const uptime = Date.now() - slot.startedAt;
    slot.unstableStarts = nextUnstableCount(slot.unstableStarts, uptime, slot.readyAt > 0, this.config);
    if (isCrashLoop(slot.unstableStarts, this.config)) {
      const last = slot.lastExit;
      const how = last?.signal ? `signal ${last.signal}` : `exit code ${last?.code}`;
      this.emit('fatal', new PortplexError(
        CODES.CRASH_LOOP,
        `worker ${slot.id} (${slot.group.script}) died ${slot.unstableStarts} times in a row before it had been up ` +
          `${this.config.minUptime} ms (last: ${how}); giving up instead of restarting it again. ` +
          'Run the script directly with node to see why it fails.',
        EXIT.crashLoop,
      ));
      return;
    }
    slot.restarts++;
    const delay = restartDelay(slot.unstableStarts, this.config);
    const timer = setTimeout(() => {
      this.timers.delete(slot);
      if (!this.stopping) this.fork(slot);
    }, delay);
    this.timers.set(slot, timer);
  }

  /**
   * Rolling restart, one worker at a time: start the new process, wait until it is ready, switch
   * new connections to it once the old one's hand-over pipe is empty, then let the old one finish
   * its connections (stop, as on shutdown). If a new process never becomes ready, it is killed,
   * the old one stays, and the reload stops there with the reason.
   */
  async reload(): Promise<ReloadResult> {
    if (this.reloading) return { replaced: [], failed: { worker: 0, reason: 'a reload is already running' } };
    this.reloading = true;
    const replaced: number[] = [];
    try {
      for (const slot of this.slots) {
        if (this.stopping) break;
        // A worker that is down will come back with the new code by itself.
        if (slot.state !== 'ready' || !slot.child) continue;
        const failure = await this.replace(slot);
        if (failure) return { replaced, failed: { worker: slot.id, reason: failure } };
        replaced.push(slot.id);
      }
      return { replaced };
    } finally {
      this.reloading = false;
    }
  }

  /** Replaces one slot's process; returns why it could not, or undefined. */
  private async replace(slot: WorkerSlot): Promise<string | undefined> {
    const child = this.spawn(slot);
    let settle!: (ready: boolean) => void;
    const ready = new Promise<boolean>((resolve) => { settle = resolve; });
    slot.pending = { child, listening: [], settle };
    const timer = setTimeout(() => settle(false), this.config.readyTimeout);
    const ok = await ready;
    clearTimeout(timer);
    const pending = slot.pending;
    slot.pending = undefined;
    if (!ok || this.stopping) {
      killGroup(child, 'SIGKILL');
      const why = child.exitCode !== null || child.signalCode !== null ? `exited (${child.signalCode ?? `code ${child.exitCode}`})` : `did not listen within ${this.config.readyTimeout} ms`;
      this.emit('log', `reload: new process for worker ${slot.id} ${why}; keeping the old one (pid ${slot.pid})`);
      return `the new process ${why}`;
    }
    // Nothing new goes to the old process; what it was sent must be answered before the switch.
    slot.switching = true;
    while (!slot.idle && slot.state === 'ready') await new Promise((r) => setTimeout(r, 5));
    slot.switching = false;
    const old = slot.child;
    const timerOfRestart = this.timers.get(slot);
    if (timerOfRestart) {
      // The old process died meanwhile and a restart was scheduled: the new one takes its place.
      clearTimeout(timerOfRestart);
      this.timers.delete(slot);
    }
    if (old && slot.state !== 'exited') {
      const key = this.freeKeys.pop();
      if (key === undefined) return 'too many retired processes still finishing';
      // UDP flows stay with the worker id: the new process serves them from its next datagram.
      this.dispatcher.table.rekeyWorker(slot.id, key, 'tcp');
      this.retired.set(old, key);
      // Its direct connections' numbers go with it, so its close reports still find their records.
      this.dispatcher.retireDirect(slot, key, old.pid ?? 0);
    }
    this.makeCurrent(slot, child);
    slot.listening.length = 0;
    // The new process holds no shared socket yet, and numbers its direct connections afresh.
    slot.shared.length = 0;
    slot.directSeqs.clear();
    pending!.listening.forEach((on, i) => { if (on) slot.listening[i] = true; });
    slot.state = 'ready';
    slot.readyAt = Date.now();
    slot.stalled = false;
    slot.stuckKilled = false;
    slot.unstableStarts = 0;
    this.dispatcher.drainQueue();
    this.emit('listening', slot);
    if (old && this.retired.has(old)) {
      try {
        old.send({ cmd: 'NODE_PORTPLEX', t: 'stop' });
      } catch {
        // Already gone: its exit purges its records.
      }
      // Whatever it still holds after the grace time is cut, as on shutdown.
      setTimeout(() => { if (this.retired.has(old)) killGroup(old, 'SIGKILL'); }, this.config.grace).unref();
    }
    this.emit('log', `reload: worker ${slot.id} now pid ${slot.pid}${old ? ` (pid ${old.pid} finishing its connections)` : ''}`);
    return undefined;
  }

  /** Sends `signal` to the worker and everything it started (its process group). */
  kill(slot: WorkerSlot, signal: NodeJS.Signals): void {
    if (slot.child) killGroup(slot.child, signal);
  }

  /** Graceful stop: workers finish in-flight work up to `grace` ms, then are killed. Resolves true when none had to be. */
  async stop(grace: number): Promise<boolean> {
    this.stopping = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    const running = this.slots.filter((s) => s.child !== undefined);
    const retired = [...this.retired.keys()];
    const exits = [...running.map((s) => s.child!), ...retired].map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
    }));
    for (const s of running) {
      // A worker that has not spoken yet may not have its message listener either (Node does not
      // buffer internal messages for late listeners): a signal reaches it for sure.
      if (s.state === 'starting') this.kill(s, 'SIGTERM');
      else this.dispatcher.requestStop(s);
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.all(exits).then(() => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), grace); }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const s of running) if (s.child && s.child.exitCode === null && s.child.signalCode === null) this.kill(s, 'SIGKILL');
      for (const child of retired) if (child.exitCode === null && child.signalCode === null) killGroup(child, 'SIGKILL');
      await Promise.all(exits);
    }
    return !timedOut;
  }
}
