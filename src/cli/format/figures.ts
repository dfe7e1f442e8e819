// How the admin commands write figures: sizes, rates and durations, the same in `status` and `top`.

/** Bytes as pm2 ls shows memory: 52.3M; '-' when not known. */
export function size(bytes: number | null | undefined): string {
  if (bytes == null) return '-';
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)}G`;
  return `${(bytes / 1024 ** 2).toFixed(1)}M`;
}

/** A rate per second: one decimal below 100, whole above; '-' when not known. */
export function rate(perSecond: number | null | undefined): string {
  if (perSecond == null) return '-';
  return perSecond >= 100 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}

/** 42s, 5m12s, 3h7m. */
export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}
