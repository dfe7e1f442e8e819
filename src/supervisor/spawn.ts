// Forks one worker process and turns what its ChildProcess says into one WorkerProcess's
// transitions and typed events. It knows nothing of connections, tables or balancing.
import { fork } from 'node:child_process';
import type { Config } from '../config/types.js';
import type { EventKind, EventSubject } from '../event-kinds.js';
import { FrameChannel, type BrokenReason } from '../ipc/frame-channel.js';
import { guardInternalMessages } from '../internals/internal-messages.js';
import { CMD, ENV, isOurs, parseToMaster, type ToMaster, type WorkerListener } from '../ipc/protocol.js';
import type { ReceivedHandle } from '../ipc/frame-channel.js';
import type { WorkerOutput } from '../logs/worker-output.js';
import type { Worker } from '../workers/worker.js';
import { WorkerProcess } from '../workers/worker-process.js';
import { ChildChannel } from './child-channel.js';

const PRELOAD = new URL('../in-worker/preload.js', import.meta.url);

/**
 * What systemd tells its service's main process (sd_notify(3), sd_watchdog_enabled(3)): the
 * master's to use, not the workers' (an application that notified on its own would speak for
 * the whole service).
 */
const SERVICE_ENV = Object.freeze(['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID']);

/** What `process.send('ready')` (PM2's wait_ready) means to the master. */
const APP_READY: ToMaster = { cmd: CMD, t: 'ready' };

/** ms after a process's exit by which its channel must have ended: its last messages are read long before. */
const CHANNEL_DRAIN_MS = 1000;

/**
 * ms after its channel closed by which a process that is exiting has exited. A process's end
 * closes its channel too, and the two arrive in either order: only one still running after this
 * is alive without its channel (and is killed), so that one that exits by itself is never
 * reported as killed by portplex.
 */
export const EXIT_AFTER_CHANNEL_MS = 1000;

/** What a spawned process reports, as it happens. */
export interface ProcessEvents {
  /** One of our JSON messages, checked; a descriptor sent with it has been closed. */
  message(p: WorkerProcess, m: ToMaster): void;
  /** A JSON message of ours that is not of the protocol's shape. */
  malformed(p: WorkerProcess): void;
  /** One of our frames; `handle` is its descriptor, to be owned or closed. */
  frame(p: WorkerProcess, type: number, b: Buffer, start: number, end: number, handle: ReceivedHandle | undefined): void;
  /** It sent what cannot be read (`reason`, `why` for the log): nothing it sends can be read any more. */
  corrupt(p: WorkerProcess, reason: BrokenReason, why: string): void;
  /** Alive, but its IPC channel closed: it can neither take connections nor report them. */
  lostChannel(p: WorkerProcess): void;
  /** The spawn failed, or the process exited; in both cases after its last message was read. */
  gone(p: WorkerProcess): void;
  /** This Node keeps no raw pipe under the channel where portplex looks: no connection could reach it. */
  unframed(p: WorkerProcess): void;
  /** Something for the operator's log; with `kind`, also a lifecycle event (about `about`) whose message is the line. */
  log(line: string, kind?: EventKind, about?: EventSubject): void;
}

/** Forks a process for `worker`, serving `listeners`; with `output`, its stdout and stderr go through it. */
export function spawnProcess(worker: Worker, config: Config, listeners: readonly WorkerListener[], events: ProcessEvents, output?: WorkerOutput): WorkerProcess {
  const group = worker.group;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...group.env,
    [ENV.workerId]: String(worker.id),
    [ENV.group]: group.name,
    [ENV.listeners]: JSON.stringify(listeners),
    // Refuse well before the master's deadline (see the worker's adopt step).
    [ENV.staleAfter]: String(Math.floor(config.handoffTimeout / 2)),
    // The window never runs dry waiting for acks the worker is still gathering.
    [ENV.ackBatch]: String(Math.max(1, Math.floor(config.handoffWindow / 2))),
    [ENV.grace]: String(config.grace),
  };
  for (const k of SERVICE_ENV) delete env[k];
  if (config.ownPorts.length > 0) env[ENV.ownPorts] = JSON.stringify(config.ownPorts);
  // Applications commonly listen on process.env.PORT: a configured listener's port is the one
  // the user chose. Without one, PORT stays as the user's environment has it (unset stays
  // unset), so `listen(process.env.PORT || 3000)` listens where it would without portplex.
  if (listeners.length > 0) env.PORT = String(listeners[0]!.port);
  const child = fork(group.script, [...group.args], {
    cwd: group.cwd,
    env,
    execArgv: [...group.execArgv, '--import', PRELOAD.href],
    stdio: ['ignore', output ? 'pipe' : 'inherit', output ? 'pipe' : 'inherit', 'ipc'],
    // Own process group: a terminal's Ctrl-C reaches only the master, which drains workers in order.
    detached: true,
  });
  // The process object exists before any of its events can run (they need a turn of the loop).
  let p!: WorkerProcess;
  const frames = FrameChannel.open(child, (type, b, start, end, handle) => events.frame(p, type, b, start, end, handle), (reason, why) => events.corrupt(p, reason, why));
  // Node's handle messages that Node's own listener would choke on break the channel, as junk does.
  if (frames) {
    guardInternalMessages(child, (why, handle) => {
      if (handle && typeof (handle as ReceivedHandle).close === 'function') (handle as ReceivedHandle).close();
      frames.broken('node_handle', why);
    }, () => frames.corrupt);
  }
  p = new WorkerProcess(worker.id, group.name, child.pid ?? 0, new ChildChannel(child, frames), Date.now());
  if (frames === undefined && child.pid !== undefined) process.nextTick(() => events.unframed(p));
  if (output) output.attach(worker.id, group.name, child.pid ?? 0, child.stdout, child.stderr, new Promise((resolve) => child.once('exit', () => resolve())));
  let exited = false;
  let disconnected = false;
  let status = { code: null as number | null, signal: null as NodeJS.Signals | null };
  // Messages are all read only once the channel reports its end; 'exit' alone may come first.
  const maybeGone = (): void => {
    if (!exited || !disconnected || p.state === 'exited') return;
    p.markGone(status);
    events.gone(p);
  };
  child.on('internalMessage', (message: unknown, handle: unknown) => {
    if (!isOurs(message)) return;
    // Descriptors travel in our frames only; one sent with a JSON message is refused.
    if (handle !== undefined && typeof (handle as ReceivedHandle).close === 'function') (handle as ReceivedHandle).close();
    const m = parseToMaster(message);
    if (m) events.message(p, m);
    else events.malformed(p);
  });
  if (group.waitReady) {
    // The application's own messages: 'ready' is PM2's wait_ready signal; the rest are not ours.
    child.on('message', (message: unknown) => {
      if (message === 'ready') events.message(p, APP_READY);
    });
  }
  child.on('error', (err) => {
    events.log(`worker ${worker.id}: ${err.message}`);
    if (child.pid === undefined && !exited) {
      // The process never started (EAGAIN, EMFILE): Node emits no 'exit' for that.
      exited = true;
      disconnected = true;
      maybeGone();
    }
  });
  child.on('disconnect', () => {
    disconnected = true;
    if (!exited && (p.state === 'starting' || p.state === 'ready')) {
      // Nothing new reaches it meanwhile (its channel is closed), and what it holds waits for its exit.
      setTimeout(() => {
        if (exited) return;
        p.lostChannel();
        events.lostChannel(p);
      }, EXIT_AFTER_CHANNEL_MS).unref();
    }
    maybeGone();
  });
  child.on('exit', (code, signal) => {
    exited = true;
    status = { code, signal };
    p.markExited(status);
    if (!child.connected) disconnected = true;
    else {
      // Its channel ends once its last bytes are read; should something else still hold the
      // channel open (a descriptor inherited by a process it started), it is gone all the same.
      setTimeout(() => {
        disconnected = true;
        maybeGone();
      }, CHANNEL_DRAIN_MS).unref();
    }
    maybeGone();
  });
  return p;
}

