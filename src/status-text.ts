// Figures as `portplex status` prints them, shared with the status page so both read the same.
import type { RecycleReason } from './workers/worker.js';

/** Bytes as pm2 ls shows memory: 52.3M, 1.25G; '-' when unknown. */
export function size(bytes: number | null | undefined): string {
  if (bytes == null) return '-';
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)}G`;
  return `${(bytes / 1024 ** 2).toFixed(1)}M`;
}

/** A per-second rate: one decimal below 100; '-' when unknown. */
export function rate(perSecond: number | null | undefined): string {
  if (perSecond == null) return '-';
  return perSecond >= 100 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}

/** A duration to the second: 42s, 3m5s, 2h14m. */
export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

const RECYCLE_SHORT: ReadonlyArray<[RecycleReason, string]> = [['memory', 'mem'], ['connections', 'conn'], ['requests', 'req'], ['lifetime', 'life']];

/** A worker's recycles by reason: '2 mem, 1 life', or '0'. */
export function recycles(counts: Partial<Record<RecycleReason, number>> | undefined): string {
  const parts: string[] = [];
  // A master of an older version may not list every reason.
  for (const [reason, short] of RECYCLE_SHORT) {
    const n = counts?.[reason] ?? 0;
    if (n > 0) parts.push(`${n} ${short}`);
  }
  return parts.join(', ') || '0';
}
