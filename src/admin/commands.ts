// What each admin command does with the master; one function per command, plain data out.
import { hostPort } from '../address.js';
import type { EventKind, EventSubject, LifecycleEvent } from '../event-kinds.js';
import type { Master } from '../master/master.js';
import type { WorkerInfo } from '../master/worker-info.js';
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
      queued: queuedPerListener(master),
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

/** Connections waiting for a worker, by listener index: a scan of the table, as the queue gauge does per scrape. */
function queuedPerListener(master: Master): number[] {
  const out = master.stats.accepted.map(() => 0);
  for (const r of master.connections({ state: 'queued' })) out[r.listener] = (out[r.listener] ?? 0) + 1;
  return out;
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

/** The master's log and events, for the changes made over the admin socket: `line` is the event's message. */
export type AdminLog = (line: string, kind: EventKind, about?: EventSubject) => void;

/** `portplex drain|undrain <worker>` and `portplex weight <worker> <n>`; the change is logged. */
export function weight(master: Master, request: Record<string, unknown>, log?: AdminLog): WorkerInfo {
  const worker = request.worker as number;
  const was = master.workers().find((w) => w.id === worker)?.weight;
  let info: WorkerInfo;
  try {
    switch (request.cmd) {
      case 'drain':
        info = master.drain(worker);
        break;
      case 'undrain':
        info = master.undrain(worker);
        break;
      default:
        info = master.setWeight(worker, request.weight as number);
    }
  } catch (err) {
    throw new AdminError('BAD_REQUEST', (err as Error).message);
  }
  const kind = request.cmd === 'drain' ? 'drain' : request.cmd === 'undrain' ? 'undrain' : 'weight';
  const verb = kind === 'weight' ? `weight ${info.weight}` : kind;
  log?.(`admin: ${verb}: worker ${info.id} (pid ${info.pid}) weight ${was} -> ${info.weight}${info.weight === 0 ? ', draining' : ''}, ${info.active} active`,
    kind, { worker: info.id, ...(info.pid > 0 ? { pid: info.pid } : {}), group: info.group });
  return info;
}

/** `portplex scale <n> [--group]`; the change is logged. */
export function scale(master: Master, request: Record<string, unknown>, log?: AdminLog): WorkerInfo[] {
  const group = typeof request.group === 'string' ? request.group : master.config.groups[0]!.name;
  // A worker already stopping was removed by an earlier scale (or is being replaced): not this one's change.
  const before = master.workers().filter((w) => w.group === group && w.state !== 'stopping').map((w) => w.id);
  let after: WorkerInfo[];
  try {
    after = master.scale(request.workers as number, group);
  } catch (err) {
    throw new AdminError('BAD_REQUEST', (err as Error).message);
  }
  const kept = new Set(after.map((w) => w.id));
  const started = after.filter((w) => !before.includes(w.id)).map((w) => w.id);
  const removed = before.filter((id) => !kept.has(id));
  const change = [started.length > 0 ? `started ${started.join(', ')}` : '', removed.length > 0 ? `removing ${removed.join(', ')}` : ''].filter(Boolean).join('; ');
  log?.(`admin: scale: group ${group} runs ${after.length} worker${after.length === 1 ? '' : 's'}${change ? ` (${change})` : ''}`, 'scale', { group });
  return after;
}

/** Most events one `events` request returns, and how many without `limit`. */
export const EVENTS_LIMIT = Object.freeze({ max: 1000, default: 100 });

/**
 * `portplex events`: the master's last lifecycle events, oldest first. Without `since`, the
 * newest `limit`; with it, those after seq `since` (a follower asks again with the last seq it got).
 */
export function events(master: Master, request: Record<string, unknown>): { events: LifecycleEvent[]; last: number } {
  const { since, limit = EVENTS_LIMIT.default } = request;
  if (since !== undefined && (!Number.isSafeInteger(since) || (since as number) < 0)) {
    throw new AdminError('BAD_REQUEST', `since: expected a whole number >= 0 (an event's seq), got ${JSON.stringify(since)}`);
  }
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > EVENTS_LIMIT.max) {
    throw new AdminError('BAD_REQUEST', `limit: expected a whole number 1-${EVENTS_LIMIT.max}, got ${JSON.stringify(limit)}`);
  }
  const view = master.events;
  const list = since === undefined ? view.newest(limit as number) : view.after(since as number, limit as number);
  return { events: list, last: view.last };
}
