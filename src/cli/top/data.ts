// What top reads of a master's answers: status (every interval) and events (for the footer).
import { maybe, type Shape } from '../../admin/answer-shape.js';

export interface TopListener {
  index: number;
  protocol?: string | null;
  address: string;
  port?: number | null;
  family?: string | null;
  group: string;
  mode?: string | null;
  algorithm?: string | null;
  closed?: unknown;
}

export interface TopWorker {
  id: number;
  group: string;
  pid: number;
  state: string;
  healthy: boolean;
  weight: number;
  active: number;
  connectionsPerSecond?: number | null;
  cpuPercent?: number | null;
  rssBytes?: number | null;
  heapUsedBytes?: number | null;
  loopDelayMs: number;
  restarts: number;
  uptimeMs: number;
}

export interface TopStatus {
  version: string;
  pid: number;
  state: string;
  uptimeMs: number;
  listeners: TopListener[];
  workers: TopWorker[];
  table: { records: number };
  /** Per listener index: connections accepted so far, and waiting for a worker now (older masters: absent). */
  stats?: { accepted?: number[] | null; queued?: number[] | null } | null;
}

/** `status` as top reads it, checked before a field is shown (the other answers' shapes: admin/answer-shapes.ts). */
export const TOP_STATUS: Shape = {
  version: 'string', pid: 'number', state: 'string', uptimeMs: 'number',
  listeners: [{ index: 'number', protocol: 'string?', address: 'string', port: 'number?', family: 'string?', group: 'string', mode: 'string?', algorithm: 'string?', closed: 'any' }],
  workers: [{
    id: 'number', group: 'string', pid: 'number', state: 'string', healthy: 'boolean', weight: 'number', active: 'number',
    connectionsPerSecond: 'number?', cpuPercent: 'number?', rssBytes: 'number?', heapUsedBytes: 'number?', loopDelayMs: 'number',
    restarts: 'number', uptimeMs: 'number',
  }],
  table: { records: 'number' },
  stats: maybe({ accepted: maybe(['number']), queued: maybe(['number']) }),
};

/** One event of the master's ring (see the `events` admin command). */
export interface TopEvent {
  seq: number;
  at: number;
  kind: string;
  message: string;
  worker?: number | null;
  pid?: number | null;
  group?: string | null;
}
