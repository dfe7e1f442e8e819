// The master as top reads it: status every interval, and the events after the last one seen.
import { ask } from '../../admin/ask.js';
import { EVENTS } from '../../admin/answer-shapes.js';
import { TOP_STATUS, type TopEvent, type TopStatus } from './data.js';
import { mergeEvents } from './events.js';

/** Events asked for on the first call: the footer's worth and more. */
const FIRST_EVENTS = 100;

export class MasterSource {
  /** The newest event seq read, once the first events answer came. */
  private since: number | undefined;
  /** False once the master said it has no `events` command: the footer stays empty. */
  private hasEvents = true;
  private kept: TopEvent[] = [];

  constructor(readonly admin: string) {}

  /** The events read so far, oldest first. */
  get events(): readonly TopEvent[] {
    return this.kept;
  }

  /** Asks for status and new events together; rejects as the status request does. */
  async poll(): Promise<TopStatus> {
    const [status] = await Promise.all([ask(this.admin, { cmd: 'status' }, TOP_STATUS) as Promise<TopStatus>, this.pollEvents()]);
    return status;
  }

  private async pollEvents(): Promise<void> {
    if (!this.hasEvents) return;
    let r: { events: TopEvent[]; last: number };
    try {
      const request = this.since === undefined ? { cmd: 'events', limit: FIRST_EVENTS } : { cmd: 'events', since: this.since };
      r = (await ask(this.admin, request, EVENTS)) as typeof r;
    } catch (err) {
      // An older master: no footer. Any other failure: the status request says whether the master is there.
      if ((err as { code?: string }).code === 'PORTPLEX_ADMIN_UNKNOWN_COMMAND') this.hasEvents = false;
      return;
    }
    if (this.since !== undefined && r.last < this.since) {
      // Its numbers start again: another master answers on the socket (an upgrade). Read its newest next time.
      this.since = undefined;
      this.kept = [];
      return;
    }
    this.kept = mergeEvents(this.kept, r.events);
    this.since = r.events.length > 0 ? r.events[r.events.length - 1]!.seq : Math.max(this.since ?? 0, r.last);
  }
}
