// Forks workers, watches them, restarts crashed ones with backoff, and stops them gracefully.
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/types.js';
import { channels } from '../diagnostics.js';
import { CODES, EXIT, PortplexError } from '../errors.js';
import { ENV, isOurs, type WorkerListener } from '../ipc/messages.js';
import type { Dispatcher } from '../master/dispatcher.js';
import type { Listener } from '../master/listener.js';
import type { WorkerSlot } from '../master/worker-slot.js';
import { isCrashLoop, nextUnstableCount, restartDelay } from './backoff.js';

const PRELOAD = new URL('../worker/preload.js', import.meta.url);

/** Events: 'worker-ready' (slot), 'worker-exit' (slot, code, signal), 'crash-loop' (PortplexError), 'log' (string). */
export class Supervisor extends EventEmitter {
  private stopping = false;
  private readonly timers = new Map<WorkerSlot, NodeJS.Timeout>();

  constructor(
    private readonly config: Config,
    private readonly slots: readonly WorkerSlot[],
    private readonly dispatcher: Dispatcher,
    private readonly bound: readonly Listener[],
  ) {
    super();
  }

  startAll(): void {
    for (const slot of this.slots) this.fork(slot);
  }

  private workerListeners(slot: WorkerSlot): WorkerListener[] {
    return this.bound
      .filter((l) => l.config.group === slot.group.name)
      .map((l) => ({ i: l.config.index, address: l.address, port: l.port, family: l.family }));
  }

  private fork(slot: WorkerSlot): void {
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
    slot.child = child;
    slot.pid = child.pid ?? 0;
    slot.state = 'starting';
    slot.startedAt = Date.now();
    slot.readyAt = 0;
    slot.stopRequested = false;
    slot.listening.length = 0;
    let exited = false;
    let disconnected = false;
    const gone = (): void => {
      if (!exited || !disconnected) return;
      this.dispatcher.workerGone(slot);
      this.afterExit(slot);
    };
    child.on('internalMessage', (m: unknown) => {
      if (!isOurs(m)) return;
      this.onMessage(slot, m as unknown as Record<string, unknown>);
    });
    child.on('error', (err) => {
      this.emit('log', `worker ${slot.id}: ${err.message}`);
      if (child.pid === undefined && !exited) {
        // The process never started (EAGAIN, EMFILE): Node emits no 'exit' for that.
        exited = true;
        disconnected = true;
        slot.state = 'exited';
        slot.lastExit = { code: null, signal: null };
        clearTimeout(readyTimer);
        gone();
      }
    });
    // Messages are only all read once the channel reports its end; exit alone may come first.
    child.on('disconnect', () => {
      disconnected = true;
      if (!exited && (slot.state === 'starting' || slot.state === 'ready')) {
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
      slot.state = 'exited';
      slot.lastExit = { code, signal };
      clearTimeout(readyTimer);
      if (channels.workerExit.hasSubscribers) {
        channels.workerExit.publish({ worker: slot.id, pid: slot.pid, code, signal, uptime: Date.now() - slot.startedAt });
      }
      this.emit('worker-exit', slot, code, signal);
      if (!child.connected) disconnected = true;
      gone();
    });
    const readyTimer = setTimeout(() => {
      if (slot.child === child && slot.state === 'starting') {
        this.emit('log', `worker ${slot.id} (pid ${slot.pid}) did not listen on ${listeners.map((l) => l.port).join(', ') || 'its ports'} within ${this.config.readyTimeout} ms; killing it`);
        this.kill(slot, 'SIGKILL');
      }
    }, this.config.readyTimeout);
    readyTimer.unref();
  }

  private onMessage(slot: WorkerSlot, m: Record<string, unknown>): void {
    switch (m.t) {
      case 'listening': {
        if (!Array.isArray(m.l) || m.l.length > this.bound.length) break;
        slot.listening.length = 0;
        let any = false;
        for (const i of m.l) {
          // Only listeners of this worker's own group count; anything else is ignored.
          if (Number.isInteger(i) && i >= 0 && i < this.bound.length && this.bound[i].config.group === slot.group.name) {
            slot.listening[i] = true;
            any = true;
          }
        }
        if (any) this.markReady(slot);
        this.dispatcher.drainQueue();
        return;
      }
      case 'ready':
        this.markReady(slot);
        this.dispatcher.drainQueue();
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
    if (this.stopping) return;
    const uptime = Date.now() - slot.startedAt;
    slot.unstableStarts = nextUnstableCount(slot.unstableStarts, uptime, slot.readyAt > 0, this.config);
    if (isCrashLoop(slot.unstableStarts, this.config)) {
      const last = slot.lastExit;
      const how = last?.signal ? `signal ${last.signal}` : `exit code ${last?.code}`;
      this.emit('crash-loop', new PortplexError(
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

  /** Sends `signal` to the worker and everything it started (its process group). */
  kill(slot: WorkerSlot, signal: NodeJS.Signals): void {
    const pid = slot.pid;
    if (!slot.child || pid <= 0) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        slot.child.kill(signal);
      } catch {
        // Already gone.
      }
    }
  }

  /** Graceful stop: workers finish in-flight work up to `grace` ms, then are killed. Resolves true when none had to be. */
  async stop(grace: number): Promise<boolean> {
    this.stopping = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    const running = this.slots.filter((s) => s.child !== undefined);
    const exits = running.map((s) => new Promise<void>((resolve) => {
      if (!s.child || s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
      s.child.once('exit', () => resolve());
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
      await Promise.all(exits);
    }
    return !timedOut;
  }
}
