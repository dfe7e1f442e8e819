// What `portplex status` answers, and the status page shows: the master's state, its listeners,
// its workers and its counters, as one plain snapshot. Its keys and their order are the admin
// answer's (scripts read `portplex status --json`), so a change here is a change of that answer.
import type { BrokenReason } from '../ipc/frame-channel.js';
import { State } from '../table/types.js';
import { VERSION } from '../version.js';
import type { MasterState } from './lifecycle.js';
import type { ListenerInfo, Master } from './master.js';
import type { DropReason, RetryReason } from './stats.js';
import type { WorkerInfo } from './worker-info.js';
import type { UdpDropReason } from '../udp/udp-stats.js';

/** The master at one moment. */
export interface StatusSnapshot {
  version: string;
  pid: number;
  state: MasterState;
  uptimeMs: number;
  listeners: ListenerInfo[];
  workers: WorkerInfo[];
  table: { records: number };
  stats: {
    /** Per listener index. */
    accepted: readonly number[];
    /** Connections waiting for a worker, per listener index. */
    queued: number[];
    handedOver: number;
    dropped: Readonly<Record<DropReason, number>>;
    retries: Readonly<Record<RetryReason, number>>;
    brokenChannels: Readonly<Record<BrokenReason, number>>;
  };
  udp: {
    flows: number;
    /** Per listener index. */
    received: readonly number[];
    dropped: Readonly<Record<UdpDropReason, number>>;
  };
}

/** The snapshot of `master` now; run in the master's process. */
export function statusSnapshot(master: Master): StatusSnapshot {
  return {
    version: VERSION,
    pid: process.pid,
    state: master.lifecycle.state,
    uptimeMs: Math.round(process.uptime() * 1000),
    listeners: master.listenerInfo(),
    workers: master.workers(),
    table: { records: master.table.size },
    stats: {
      accepted: master.stats.accepted,
      queued: master.stats.accepted.map((_, i) => master.table.countIn(i, State.Queued)),
      handedOver: master.stats.handedOver,
      dropped: master.stats.dropped,
      retries: master.stats.retries,
      brokenChannels: master.stats.brokenChannels,
    },
    udp: {
      flows: master.flows.size,
      received: master.udpStats.received,
      dropped: master.udpStats.dropped,
    },
  };
}
