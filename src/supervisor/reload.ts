// Rolling reload, one worker at a time: start the new process, wait until it is ready, let the
// old one answer what it was sent (it gets nothing new meanwhile), switch new connections to the
// new one, then let the old one finish its connections (stop, as on shutdown; killed after the
// grace time). A new process that never becomes ready is killed and the old one kept; the
// reload stops there and says why. PM2 kills the old one anyway.
import type { Config, GroupConfig } from '../config/types.js';
import { processSubject, type EventSubject } from '../event-kinds.js';
import { exitReason } from '../workers/exit-reason.js';
import type { Registry } from '../workers/registry.js';
import type { Worker } from '../workers/worker.js';
import type { WorkerProcess } from '../workers/worker-process.js';

/** What a rolling reload did. */
export interface ReloadResult {
  /** Workers now running a new process. */
  replaced: number[];
  /** The worker whose new process failed, and why; the reload stopped there. */
  failed?: { worker: number; reason: string };
}

export interface ReloadSteps {
  spawn(worker: Worker): WorkerProcess;
  stopping(): boolean;
  /** `p` is now `worker`'s process; `old` (if it was still running) finishes under table key `key` (else -1). */
  switched(worker: Worker, p: WorkerProcess, old: WorkerProcess | undefined, key: number): void;
  /** A step, for the log and as an event of kind `kind` about the new process. */
  log(line: string, kind: 'reload' | 'recycle', about: EventSubject): void;
}

/** Why a process of `group` is not ready after `ms`, for the log ("did not listen on 8080 within 30000 ms"). */
export function notReady(group: GroupConfig, ports: string | undefined, ms: number): string {
  if (group.waitReady) return `did not say it was ready (ready() or process.send('ready')) within ${ms} ms`;
  return `did not listen${ports === undefined ? '' : ` on ${ports}`} within ${ms} ms`;
}

export async function rollingReload(registry: Registry, config: Config, steps: ReloadSteps): Promise<ReloadResult> {
  const replaced: number[] = [];
  for (const worker of [...registry.workers]) {
    if (steps.stopping()) break;
    const current = worker.process;
    // A worker that is down comes back with the new code by itself.
    if (current === undefined || current.state !== 'ready' || worker.removed) continue;
    const failure = await replaceProcess(worker, registry, config, steps);
    if (failure) return { replaced, failed: { worker: worker.id, reason: failure } };
    replaced.push(worker.id);
  }
  return { replaced };
}

/**
 * Replaces `worker`'s process the way a reload does (also one worker alone: a recycle); returns
 * why it could not, or undefined. `what` names the operation in the log.
 */
export async function replaceProcess(worker: Worker, registry: Registry, config: Config, steps: ReloadSteps, what: 'reload' | 'recycle' = 'reload'): Promise<string | undefined> {
  const p = steps.spawn(worker);
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    p.whenReady(),
    new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), config.readyTimeout); }),
  ]);
  clearTimeout(timer);
  const abandon = (why: string): string => {
    p.kill('SIGKILL');
    steps.log(`${what}: new process for worker ${worker.id} ${why}; keeping the old one (pid ${worker.pid})`, what, processSubject(p));
    return `the new process ${why}`;
  };
  if (!ready) {
    return abandon(p.pid === 0 ? 'could not be started' : p.exit ? exitReason(p) : notReady(worker.group, undefined, config.readyTimeout));
  }
  for (;;) {
    if (steps.stopping()) return abandon('was not needed: the master is stopping');
    if (worker.removed) return abandon('was not needed: the worker was removed');
    // Whichever process is current now: one that crashed meanwhile may have been restarted.
    const old = worker.process;
    if (old === undefined || old.state === 'exited') {
      worker.attach(p);
      steps.switched(worker, p, undefined, -1);
      steps.log(`${what}: worker ${worker.id} now pid ${p.pid}`, what, processSubject(p));
      return undefined;
    }
    if (old.ending) {
      // Cut off, being killed, or exited: what follows its end (a restart) decides; look again then.
      await old.whenGone();
      continue;
    }
    if (old.state === 'starting') {
      // A restart already runs the new code: that process stays, this one is not needed.
      p.kill('SIGKILL');
      return undefined;
    }
    if (old.state !== 'ready') return abandon('was not needed: the old one is stopping');
    // Its records move to a key of its own at the switch; without a free key there is no switch.
    const key = registry.retire(old);
    if (key === undefined) return abandon('was not used: too many retired processes are still finishing');
    // Nothing new goes to the old process; what it was sent must be answered before the switch.
    old.beginLeaving();
    await old.whenIdle();
    if (worker.process !== old || old.state !== 'ready' || steps.stopping() || worker.removed) {
      // It died, or was asked to stop, meanwhile: look again.
      registry.release(old);
      continue;
    }
    worker.attach(p);
    steps.switched(worker, p, old, key);
    old.requestStop();
    // Whatever it still holds after the grace time is cut, as on shutdown.
    setTimeout(() => old.kill('SIGKILL'), config.grace).unref();
    steps.log(`${what}: worker ${worker.id} now pid ${p.pid} (pid ${old.pid} finishing its connections)`, what, processSubject(p));
    return undefined;
  }
}
