// The figures measured per setup and round, with how each reads in the report.

export const METRICS = [
  { key: 'keepAliveRps', label: 'keep-alive req/s', digits: 0 },
  { key: 'keepAliveP50', label: 'keep-alive p50 ms', digits: 2 },
  { key: 'keepAliveP99', label: 'keep-alive p99 ms', digits: 2 },
  { key: 'keepAliveMasterCpuUsPerReq', label: 'keep-alive master CPU µs/req', digits: 1 },
  { key: 'newConnRps', label: 'new-conn req/s', digits: 0 },
  { key: 'newConnP50', label: 'new-conn p50 ms', digits: 2 },
  { key: 'newConnP99', label: 'new-conn p99 ms', digits: 2 },
  { key: 'masterCpuUsPerConn', label: 'master CPU µs/conn', digits: 1 },
  { key: 'serversCpuUsPerConn', label: 'serving processes CPU µs/conn', digits: 1 },
  { key: 'balance', label: 'balance max/mean', digits: 3 },
] as const;

export type MetricKey = (typeof METRICS)[number]['key'];

export type Figures = Record<MetricKey, number | null>;

/** Figures with nothing measured yet. */
export function emptyFigures(): Figures {
  return Object.fromEntries(METRICS.map((m) => [m.key, null])) as Figures;
}

/** One setup in one round: its figures, the raw tool results, or why it failed. */
export interface SetupRound {
  setup: string;
  round: number;
  figures: Figures;
  raw: Record<string, unknown>;
  error?: string;
}
