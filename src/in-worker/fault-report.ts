// The faults of our own code in this worker (faults.ts), counted in the runtime's stats and told
// to the master: one message per kind per turn of the loop, however many happened in it (a
// descriptor shortage fails every connection of a burst at once), with the first one's text.
import { CMD, MAX_FAULT_TEXT, type WorkerFaultKind } from '../ipc/protocol.js';
import type { MasterChannel } from './master-channel.js';
import type { RuntimeStats } from './stats.js';

export class FaultReport {
  /** Per kind: faults not reported yet, and the first one's text. */
  private readonly pending = new Map<WorkerFaultKind, { n: number; e: string }>();
  private flush: NodeJS.Immediate | undefined;

  constructor(
    private readonly stats: RuntimeStats,
    private readonly channel: MasterChannel,
  ) {}

  /** One fault of `kind`: counted now, reported at the end of this turn. */
  readonly add = (kind: WorkerFaultKind, err: unknown): void => {
    this.stats.faults[kind]++;
    const p = this.pending.get(kind);
    if (p !== undefined) p.n++;
    else this.pending.set(kind, { n: 1, e: describe(err) });
    this.flush ??= setImmediate(this.send);
  };

  private readonly send = (): void => {
    this.flush = undefined;
    for (const [k, p] of this.pending) this.channel.send({ cmd: CMD, t: 'ft', k, n: p.n, e: p.e });
    this.pending.clear();
  };
}

/** A fault's text: its code and message (a thrown non-Error as a string), bounded. */
function describe(err: unknown): string {
  let text: string;
  try {
    text = err instanceof Error ? err.message : String(err);
  } catch {
    text = 'unprintable value';
  }
  return text.slice(0, MAX_FAULT_TEXT);
}
