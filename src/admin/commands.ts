// What each admin command does with the master; one function per command, plain data out.
import { hostPort } from '../address.js';
import type { Master } from '../master/master.js';
import type { AdminCode } from './protocol.js';
import type { RecordFilter } from '../table/types.js';
import { VERSION } from '../version.js';

/** Thrown for a bad request: becomes { ok: false } with this code. */
export class AdminError extends Error {
  constructor(readonly code: AdminCode, message: string) {
    super(message);
  }
}

/** `portplex status`: listeners, algorithm, workers. */
export function status(master: Master): unknown {
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
      handedOver: master.stats.handedOver,
      dropped: master.stats.dropped,
      retries: master.stats.retries,
    },
    udp: {
      flows: master.flows.size,
      received: master.udpStats.received,
      dropped: master.udpStats.dropped,
    },
  };
}

const STATES = ['queued', 'handing-over', 'established'];

/** ms `portplex connections` waits for direct-mode workers to name their connections' clients. */
const RESOLVE_TIMEOUT = 1000;

/** `portplex connections`: the connection record table, filtered, like ipvsadm -L -c. */
export async function connections(master: Master, request: Record<string, unknown>): Promise<unknown> {
  const filter: { -readonly [K in keyof RecordFilter]: RecordFilter[K] } = {};
  if (request.worker !== undefined) {
    if (!Number.isInteger(request.worker)) throw new AdminError('BAD_REQUEST', `worker: expected a worker id, got ${JSON.stringify(request.worker)}`);
    filter.worker = request.worker as number;
  }
  if (request.state !== undefined) {
    if (typeof request.state !== 'string' || !STATES.includes(request.state)) {
      throw new AdminError('BAD_REQUEST', `state: expected one of ${STATES.join(', ')}, got ${JSON.stringify(request.state)}`);
    }
    filter.state = request.state;
  }
  if (request.protocol !== undefined) {
    if (request.protocol !== 'tcp' && request.protocol !== 'udp') {
      throw new AdminError('BAD_REQUEST', `protocol: expected tcp or udp, got ${JSON.stringify(request.protocol)}`);
    }
    filter.protocol = request.protocol;
  }
  if (request.client !== undefined) {
    if (typeof request.client !== 'string') throw new AdminError('BAD_REQUEST', 'client: expected an address');
    filter.clientAddress = request.client;
  }
  const limit = request.limit === undefined ? 10000 : request.limit;
  if (!Number.isInteger(limit) || (limit as number) < 1) throw new AdminError('BAD_REQUEST', `limit: expected a whole number >= 1, got ${JSON.stringify(limit)}`);
  // Direct-mode records learn their client when first read (Master.resolveClients).
  await master.resolveClients(RESOLVE_TIMEOUT);
  const listeners = master.listenerInfo();
  const now = Date.now();
  return {
    total: master.table.size,
    records: master.connections(filter, limit as number).map((r) => {
      const l = listeners[r.listener];
      return { ...r, cluster: l ? hostPort(l.address, l.port, l.family) : '', ageMs: now - r.acceptedAt, idleMs: now - r.lastActiveAt };
    }),
  };
}

/** `portplex drain|undrain <worker>` and `portplex weight <worker> <n>`. */
export function weight(master: Master, request: Record<string, unknown>): unknown {
  const worker = request.worker as number;
  try {
    switch (request.cmd) {
      case 'drain':
        return master.drain(worker);
      case 'undrain':
        return master.undrain(worker);
      default:
        return master.setWeight(worker, request.weight as number);
    }
  } catch (err) {
    throw new AdminError('BAD_REQUEST', (err as Error).message);
  }
}
