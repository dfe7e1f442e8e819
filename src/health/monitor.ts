// Active health checks: a heartbeat over IPC to every ready process. The process answers with
// its event-loop delay; a missed answer, or a delay over the limit, is a failed check.
import type { Config } from '../config/types.js';
import { CMD, type ToWorker } from '../ipc/protocol.js';
import type { RequestIds } from '../ipc/request-ids.js';
import type { HealthState } from './health-state.js';
import type { Heartbeat, ReportedUsage } from './heartbeat.js';

/** What the monitor needs of a process. */
export interface Monitored {
  readonly state: string;
  readonly connected: boolean;
  readonly health: HealthState;
  readonly heartbeat: Heartbeat;
  send(message: ToWorker): boolean;
}

/** What the monitor tells. */
export interface HealthEvents<P extends Monitored> {
  /** `p`'s health flipped. */
  changed(p: P, healthy: boolean): void;
  /** `p` has been unhealthy for longer than unhealthyTimeout. */
  givenUp(p: P): void;
}

export class HealthMonitor<P extends Monitored> {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: Config,
    /** The master's request ids: a ping is a question like any other. */
    private readonly ids: RequestIds,
    /** The processes to check now. */
    private readonly processes: () => Iterable<P>,
    private readonly events: HealthEvents<P>,
  ) {}

  start(): void {
    if (this.config.healthInterval === 0) return;
    this.timer = setInterval(() => this.round(Date.now()), this.config.healthInterval);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round: judge the previous ping of each process, send the next. */
  private round(now: number): void {
    for (const p of this.processes()) {
      if (p.state !== 'ready' || !p.connected) continue;
      const beat = p.heartbeat;
      if (beat.started) {
        // No answer to the last ping within one interval: a failed check.
        this.judge(p, beat.answered && beat.loopDelayMs <= this.config.maxEventLoopDelay, now);
      }
      const h = p.health;
      if (!h.healthy && this.config.unhealthyTimeout > 0 && now - h.unhealthySince > this.config.unhealthyTimeout) {
        this.events.givenUp(p);
        continue;
      }
      const req = this.ids.next();
      beat.sent(req, now);
      // A closed channel: the exit handler takes over.
      p.send({ cmd: CMD, t: 'ping', req });
    }
  }

  private judge(p: P, ok: boolean, now: number): void {
    if (p.health.record(ok, now, this.config)) this.events.changed(p, p.health.healthy);
  }

  /** A failed check from outside the heartbeat: a missed hand-over deadline (HAProxy observes traffic too). */
  fail(p: P): void {
    this.judge(p, false, Date.now());
  }

  /**
   * `p`'s answer to ping `req`, with its event-loop delay (ms) and resources; an answer to an
   * older ping is too late to count. True when it counted.
   */
  answered(p: P, req: number, delayMs: number, usage?: ReportedUsage): boolean {
    return p.heartbeat.answer(req, delayMs, Date.now(), usage);
  }
}
