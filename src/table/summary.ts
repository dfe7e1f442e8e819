// The connection table in a few numbers, for the status page: records by state, protocol, worker
// and listener, and the oldest record's age. Nothing per client. The counts are the table's own
// (O(listeners + workers)); the oldest record takes a walk of the table, so it is looked for at
// most once per `oldestEveryMs` however often the page is asked for.

import type { ConnectionTable } from './connection-table.js';
import { State } from './types.js';

/** Records in each state. */
export interface StateTotals {
  queued: number;
  'handing-over': number;
  established: number;
}

/** The table at one moment. */
export interface TableSummary {
  records: number;
  byState: StateTotals;
  byProtocol: { tcp: number; udp: number };
  /** Records of each current worker (handing over or established). */
  byWorker: Array<{ worker: number; records: number }>;
  /** Records of processes a rolling reload retired, still finishing their connections. */
  retired: number;
  byListener: Array<{ listener: number } & StateTotals>;
  /** Age of the oldest record, ms (as of the last look, at most `oldestEveryMs` ago); null when there is none. */
  oldestAgeMs: number | null;
}

/** How often a summary may look for the oldest record, by default: the page refreshes every 2 s. */
export const OLDEST_EVERY_MS = 1000;

/** Summaries of one table; keeps when it last looked for the oldest record. */
export class TableSummarizer {
  readonly #table: ConnectionTable;
  readonly #everyMs: number;
  #oldestAt = -1;
  #lookedAt = -Infinity;

  constructor(table: ConnectionTable, oldestEveryMs = OLDEST_EVERY_MS) {
    this.#table = table;
    this.#everyMs = oldestEveryMs;
  }

  /** The summary at `now` for the current workers' ids and `listeners` listeners (indexes 0 .. listeners - 1). */
  summarize(workerIds: readonly number[], listeners: number, now: number): TableSummary {
    const t = this.#table;
    const byListener: TableSummary['byListener'] = [];
    const byState: StateTotals = { queued: 0, 'handing-over': 0, established: 0 };
    for (let l = 0; l < Math.max(listeners, t.listenerSpan); l++) {
      const counts = { queued: t.countIn(l, State.Queued), 'handing-over': t.countIn(l, State.HandingOver), established: t.countIn(l, State.Established) };
      byState.queued += counts.queued;
      byState['handing-over'] += counts['handing-over'];
      byState.established += counts.established;
      if (l < listeners) byListener.push({ listener: l, ...counts });
    }
    const byWorker = workerIds.map((worker) => ({ worker, records: t.activeCount(worker) }));
    const current = byWorker.reduce((sum, w) => sum + w.records, 0);
    // Again early only when the last look found nothing and there is something now (that look
    // finds a record): at most two walks per interval.
    if (now - this.#lookedAt >= this.#everyMs || now < this.#lookedAt || (this.#oldestAt < 0 && t.size > 0)) {
      this.#oldestAt = t.oldestAcceptedAt();
      this.#lookedAt = now;
    }
    return {
      records: t.size,
      byState,
      byProtocol: { tcp: t.size - t.udpCount, udp: t.udpCount },
      byWorker,
      // A record that is not queued belongs to a worker id or to a retired process's key.
      retired: byState['handing-over'] + byState.established - current,
      byListener,
      oldestAgeMs: t.size === 0 || this.#oldestAt < 0 ? null : Math.max(0, now - this.#oldestAt),
    };
  }
}
