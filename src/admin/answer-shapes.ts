// What each admin command reads of its master's result: checked before it prints a field.
import { maybe, type Shape } from './answer-shape.js';

const LISTENER: Shape = {
  index: 'number', protocol: 'string?', address: 'string', port: 'number?', family: 'string?', group: 'string',
  mode: 'string?', algorithm: 'string?', onDemand: 'any', closed: 'any', origin: 'string?', fdName: 'string?',
};

const WORKER: Shape = {
  id: 'number', group: 'string', pid: 'number', state: 'string', healthy: 'boolean', weight: 'number', active: 'number',
  connectionsPerSecond: 'number?', handedOver: 'number', accepted: 'number?', cpuPercent: 'number?', rssBytes: 'number?',
  heapUsedBytes: 'number?', loopDelayMs: 'number', restarts: 'number', uptimeMs: 'number', recycles: maybe({}),
};

export const STATUS: Shape = {
  version: 'string', pid: 'number', state: 'string', uptimeMs: 'number', listeners: [LISTENER], workers: [WORKER], table: { records: 'number' },
};

export const CONNECTIONS: Shape = {
  total: 'number',
  records: [{
    protocol: 'string', state: 'string', clientAddress: 'string', clientPort: 'number', cluster: 'string', worker: 'number', pid: 'number?',
    ageMs: 'number', idleMs: 'number?',
  }],
};

export const RELOAD: Shape = { replaced: ['number'], failed: maybe({ worker: 'number', reason: 'string' }) };

export const UPGRADE: Shape = { pid: 'number', previous: 'number' };

export const SCALE: Shape = [{ id: 'number', state: 'string' }];

export const WEIGHT: Shape = { id: 'number', pid: 'number', weight: 'number', active: 'number' };

export const EVENTS: Shape = {
  events: [{ seq: 'number', at: 'number', kind: 'string', message: 'string', worker: 'number?', pid: 'number?', group: 'string?' }],
  last: 'number',
};
