// When a healthy process should be replaced anyway: its resident memory is above its group's
// maxMemory (a leak), or it has served maxConnectionsServed connections (gunicorn's
// max_requests). Judged at each heartbeat answer, from figures the process already reported.
import { formatSize } from '../config/size.js';
import type { GroupConfig } from '../config/types.js';
import type { RecycleReason } from '../workers/worker.js';
import type { WorkerProcess } from '../workers/worker-process.js';

export interface RecycleVerdict {
  reason: RecycleReason;
  /** For the log: what it is over, and the limit. */
  why: string;
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
  return undefined;
}
