// When a healthy process should be replaced anyway: its resident memory is above its group's
// maxMemory (a leak), it has served maxConnectionsServed connections, its servers have received
// its maxRequests HTTP requests (gunicorn's max_requests), or it has been ready for its
// maxLifetime (uWSGI's max-worker-lifetime). Judged at each heartbeat answer, from figures the
// process already reported: a lifetime ends up to one heartbeat interval late.
import type { RandomSource } from '../balancers/random-source.js';
import { drawBelow } from '../balancers/random-source.js';
import { formatSize } from '../config/size.js';
import type { GroupConfig } from '../config/types.js';
import type { RecycleReason } from '../workers/worker.js';
import type { RecycleLimits, WorkerProcess } from '../workers/worker-process.js';

export interface RecycleVerdict {
  reason: RecycleReason;
  /** For the log: what it is over, and the limit. */
  why: string;
}

/**
 * A new process's own limits: its group's maxRequests and maxLifetime, each raised by a random
 * whole number from 0 to its jitter (gunicorn's rule), so that processes started together are
 * not due together.
 */
export function drawLimits(group: GroupConfig, random: RandomSource = Math.random): RecycleLimits {
  return {
    maxRequests: group.maxRequests > 0 ? group.maxRequests + drawBelow(random, group.maxRequestsJitter + 1) : 0,
    maxLifetime: group.maxLifetime > 0 ? group.maxLifetime + drawBelow(random, group.maxLifetimeJitter + 1) : 0,
  };
}

/**
 * Why `p` should be replaced now, or undefined. A process ready for less than `minUptime` ms is
 * left alone: a limit below what a fresh process needs must not replace it in a tight loop.
 */
export function recycleVerdict(group: GroupConfig, p: WorkerProcess, now: number, minUptime: number): RecycleVerdict | undefined {
  if (p.state !== 'ready' || p.readyAt === 0 || now - p.readyAt < minUptime) return undefined;
  const rss = p.heartbeat.usage.rss;
  if (group.maxMemory > 0 && rss > group.maxMemory) {
    return { reason: 'memory', why: `uses ${formatSize(rss)} of resident memory, above maxMemory ${formatSize(group.maxMemory)}` };
  }
  if (group.maxConnectionsServed > 0 && p.served >= group.maxConnectionsServed) {
    return { reason: 'connections', why: `served ${p.served} connections (maxConnectionsServed ${group.maxConnectionsServed})` };
  }
  const { maxRequests, maxLifetime } = p.limits;
  if (maxRequests > 0 && p.requests >= maxRequests) {
    return { reason: 'requests', why: `received ${p.requests} HTTP requests (maxRequests ${withJitter(group.maxRequests, maxRequests, '')})` };
  }
  const ready = now - p.readyAt;
  if (maxLifetime > 0 && ready >= maxLifetime) {
    return { reason: 'lifetime', why: `has been ready ${ready} ms (maxLifetime ${withJitter(group.maxLifetime, maxLifetime, ' ms')})` };
  }
  return undefined;
}

/** "50 + jitter 7 = 57", or "50" when the process's limit is the group's. */
function withJitter(base: number, own: number, unit: string): string {
  return own === base ? `${base}${unit}` : `${base} + jitter ${own - base} = ${own}${unit}`;
}
