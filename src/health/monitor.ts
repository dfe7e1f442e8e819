// Active health checks: a heartbeat over IPC to every ready worker. The worker answers with its
// event-loop delay; a missed answer, or a delay over the limit, is a failed check.
import { EventEmitter } from 'node:events';
import type { Config } from '../config/types.js';
import { CMD } from '../ipc/messages.js';
import type { WorkerSlot } from '../master/worker-slot.js';

/** Events: 'change' (slot, healthy: boolean), 'give-up' (slot): unhealthy past unhealthyTimeout. */
export class HealthMonitor extends EventEmitter {
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;

  constructor(
    private readonly config: Config,
    private readonly slots: readonly WorkerSlot[],
  ) {
    super();
  }

  start(): void {
    if (this.config.healthInterval === 0) return;
    this.timer = setInterval(() => this.round(Date.now()), this.config.healthInterval);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round: judge the previous ping of each worker, send the next. */
  private round(now: number): void {
    for (const slot of this.slots) {
      if (slot.state !== 'ready' || !slot.child?.connected) continue;
      const h = slot.health;
      if (slot.pingSentAt > 0) {
        // No answer to the last ping within one interval: a failed check.
        if (slot.pongSeq !== slot.pingSeq) this.judge(slot, false, now);
        else this.judge(slot, slot.loopDelayMs <= this.config.maxEventLoopDelay, now);
      }
      if (!h.healthy && this.config.unhealthyTimeout > 0 && now - h.unhealthySince > this.config.unhealthyTimeout) {
        this.emit('give-up', slot);
        continue;
      }
      slot.pingSeq = ++this.seq;
      slot.pingSentAt = now;
      try {
        slot.child.send({ cmd: CMD, t: 'ping', s: slot.pingSeq });
      } catch {
        // Channel closing; the exit handler takes over.
      }
    }
  }

  private judge(slot: WorkerSlot, ok: boolean, now: number): void {
    if (slot.health.record(ok, now, this.config)) this.emit('change', slot, slot.health.healthy);
  }

  /** A failed check from outside the heartbeat: a missed hand-over deadline (HAProxy observes traffic too). */
  fail(slot: WorkerSlot): void {
    this.judge(slot, false, Date.now());
  }

  /** The worker's answer: sequence number and event-loop delay (ms). */
  onPong(slot: WorkerSlot, m: Record<string, unknown>): void {
    if (typeof m.s !== 'number' || typeof m.d !== 'number' || !Number.isFinite(m.d)) return;
    if (m.s !== slot.pingSeq) return; // an answer to an older ping arrives too late to count
    slot.pongSeq = m.s;
    slot.loopDelayMs = m.d;
    slot.rttMs = Date.now() - slot.pingSentAt;
  }
}
