// The orders `s` cycles through: by id, or the busiest first by one figure.
import type { TopWorker } from './data.js';

export const SORTS = ['id', 'conn/s', 'active', 'cpu', 'memory'] as const;
export type SortKey = (typeof SORTS)[number];

const FIGURE: Readonly<Record<SortKey, (w: TopWorker) => number>> = {
  id: (w) => -w.id,
  'conn/s': (w) => w.connectionsPerSecond ?? -1,
  active: (w) => w.active,
  cpu: (w) => w.cpuPercent ?? -1,
  memory: (w) => w.rssBytes ?? -1,
};

/** The sort after `key`. */
export function nextSort(key: SortKey): SortKey {
  return SORTS[(SORTS.indexOf(key) + 1) % SORTS.length]!;
}

/** `workers` in `key`'s order (largest first; ties, and `id`, by id), as a new array. */
export function sortWorkers(workers: readonly TopWorker[], key: SortKey): TopWorker[] {
  const figure = FIGURE[key];
  return [...workers].sort((a, b) => figure(b) - figure(a) || a.id - b.id);
}
