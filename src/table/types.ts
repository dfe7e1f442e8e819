// Shapes of the connection record table (the patent's Figure 10), shared by the
// table, the dispatcher and the admin queries.

export type Protocol = 'tcp' | 'udp';

/** Record states, in the order a connection passes through them. */
export const enum State {
  Queued = 0,
  HandingOver = 1,
  Established = 2,
}

export const STATE_NAMES: readonly string[] = ['queued', 'handing-over', 'established'];

/** A record as handed out to queries (a copy; the table stores columns). */
export interface ConnectionRecord {
  readonly id: number;
  readonly protocol: Protocol;
  readonly clientAddress: string;
  readonly clientPort: number;
  /** Index of the listener (cluster address and port) the connection arrived on. */
  readonly listener: number;
  /** Worker id, or -1 while queued. */
  readonly worker: number;
  /** Worker pid at hand-over time, or 0. */
  readonly pid: number;
  readonly state: string;
  /** Epoch milliseconds. */
  readonly acceptedAt: number;
  /** Epoch milliseconds, or 0 before hand-over completes. */
  readonly handedOverAt: number;
  /** Epoch milliseconds of the last datagram either way (UDP flows); acceptedAt for TCP. */
  readonly lastActiveAt: number;
}

export interface RecordFilter {
  readonly worker?: number;
  readonly state?: string;
  readonly clientAddress?: string;
  readonly listener?: number;
  readonly protocol?: Protocol;
}
