// What systemd hears of a master run as a Type=notify service, told from the master's lifecycle:
//   starting -> serving            READY=1 (with MAINPID= from a master that took over in an upgrade)
//   serving -> reloading|upgrading RELOADING=1 and MONOTONIC_USEC= (Type=notify-reload, systemd 253+)
//   reloading|upgrading -> serving READY=1
//   -> stopping                    STOPPING=1, unless this master was replaced by an upgrade: the
//                                  new one is the main process then, and the service goes on
// and, beside them, a STATUS= line for `systemctl status` and WATCHDOG=1 every half of
// WATCHDOG_USEC while this process's event loop runs, so systemd restarts a wedged master.
import type { MasterState } from '../master/lifecycle.js';
import type { Master } from '../master/master.js';
import { monotonicUsec, Notifier } from './notify.js';

/** ms between STATUS= refreshes when nothing else changed (connections come and go). */
const STATUS_EVERY_MS = 10000;

export interface ServiceOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly pid: number;
  /** Started by `portplex upgrade`: once ready, it tells systemd it is the main process now. */
  readonly successor: boolean;
  readonly warn: (line: string) => void;
}

/** The notifications of `master` when systemd asked for them (NOTIFY_SOCKET set); undefined otherwise. */
export function systemdService(master: Master, options: ServiceOptions, notifier?: Notifier): SystemdService | undefined {
  if (!options.env.NOTIFY_SOCKET) return undefined;
  return new SystemdService(master, notifier ?? new Notifier(options.warn), options.pid, options.successor, watchdogMs(options.env, options.pid));
}

/** Half of WATCHDOG_USEC in ms when the watchdog is on for process `pid`, else 0. */
export function watchdogMs(env: NodeJS.ProcessEnv, pid: number): number {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isSafeInteger(usec) || usec <= 0) return 0;
  // sd_watchdog_enabled(3): a WATCHDOG_PID naming another process means the pings are not ours.
  if (env.WATCHDOG_PID !== undefined && env.WATCHDOG_PID !== '' && Number(env.WATCHDOG_PID) !== pid) return 0;
  return Math.max(1, Math.floor(usec / 2000));
}

export class SystemdService {
  private replaced = false;
  private lastStatus = '';
  private readonly statusTimer: NodeJS.Timeout;
  private readonly watchdogTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly master: Master,
    private readonly notifier: Notifier,
    private readonly pid: number,
    private readonly successor: boolean,
    pingEveryMs: number,
  ) {
    master.lifecycle.on('change', this.onChange);
    master.on('worker-ready', this.refresh);
    master.on('worker-exit', this.refresh);
    this.statusTimer = setInterval(this.refresh, STATUS_EVERY_MS);
    this.statusTimer.unref();
    if (pingEveryMs > 0) {
      // A timer that fires is a loop that runs; a blocked loop stops the pings, and systemd acts.
      this.watchdogTimer = setInterval(() => this.notifier.send(['WATCHDOG=1']), pingEveryMs);
      this.watchdogTimer.unref();
      this.notifier.send(['WATCHDOG=1']);
    }
  }

  /** An upgrade's new master serves now and is the service's main process: this one says nothing more. */
  handedOver(): void {
    this.replaced = true;
    this.stopTimers();
  }

  /** Resolves once every message sent so far has reached systemd. */
  flushed(): Promise<void> {
    return this.notifier.flushed();
  }

  /** Stops the timers and waits until what was sent has reached systemd. */
  async close(): Promise<void> {
    this.stopTimers();
    this.master.lifecycle.off('change', this.onChange);
    this.master.off('worker-ready', this.refresh);
    this.master.off('worker-exit', this.refresh);
    await this.notifier.flushed();
  }

  private stopTimers(): void {
    clearInterval(this.statusTimer);
    clearInterval(this.watchdogTimer);
  }

  private readonly onChange = (state: MasterState, previous: MasterState): void => {
    if (this.replaced) return;
    const status = this.status();
    switch (state) {
      case 'serving':
        this.notifier.send(previous === 'starting' && this.successor ? [`MAINPID=${this.pid}`, 'READY=1', status] : ['READY=1', status]);
        break;
      case 'reloading':
      case 'upgrading':
        this.notifier.send(['RELOADING=1', `MONOTONIC_USEC=${monotonicUsec()}`, status]);
        break;
      case 'stopping':
        this.notifier.send(['STOPPING=1', status]);
        break;
      default:
        return;
    }
    this.lastStatus = status;
  };

  /** Sends the STATUS= line when it says something new. */
  private readonly refresh = (): void => {
    if (this.replaced) return;
    const status = this.status();
    if (status === this.lastStatus) return;
    this.lastStatus = status;
    this.notifier.send([status]);
  };

  /** "STATUS=serving: 4/4 workers ready, 12 connections". */
  private status(): string {
    const workers = this.master.workers();
    const ready = workers.filter((w) => w.state === 'ready').length;
    const n = this.master.table.size;
    return `STATUS=${this.master.lifecycle.state}: ${ready}/${workers.length} workers ready, ${n} connection${n === 1 ? '' : 's'}`;
  }
}
