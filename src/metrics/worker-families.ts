// Master side of worker metrics: checks what workers sent (prom-client JSON over IPC) and turns it
// into registries to expose, aggregated across workers and/or per worker.
//
// Naming. The Prometheus text format allows each metric family once per exposition, so the same
// name cannot carry both the aggregate and the per-worker series, and mixing an unlabelled sum
// with worker-labelled series in one family would make sum() count everything twice. Hence:
//   'aggregate'  (default) the application's names, one series per label set, summed (or per the
//                family's declared aggregator) across workers; dashboards written for prom-client's
//                own cluster mode work unchanged.
//   'per-worker' the application's names again, each series with an extra worker="<id>" label,
//                instead of the aggregate: sum without (worker) (...) gives the aggregate back.
//   'both'       the aggregate under the application's names, plus the per-worker series under
//                <name>_by_worker (a counter's _total stays last: <base>_by_worker_total), so
//                switching between 'aggregate' and 'both' never renames a series.
//   'off'        no worker metrics.
import { AggregatorRegistry, Registry, type Aggregator, type RegistryContentType } from 'prom-client';

/** Which worker series the endpoint exposes; see the comment at the top of this file. */
export type WorkerMetricsMode = 'aggregate' | 'per-worker' | 'both' | 'off';

/** Every mode, for option checking. */
export const WORKER_METRICS_MODES: readonly WorkerMetricsMode[] = ['aggregate', 'per-worker', 'both', 'off'];

/** Why a worker's metric family was left out, as a bounded label. */
export type WorkerDropReason = 'name_clash' | 'label_clash' | 'type_mismatch' | 'invalid';

/** Every drop reason, so each counter series exists from the first scrape. */
export const WORKER_DROP_REASONS: readonly WorkerDropReason[] = ['name_clash', 'label_clash', 'type_mismatch', 'invalid'];

/** The label the per-worker series carry. */
export const WORKER_LABEL = 'worker';

/** One worker's answer to a scrape, as Master.workerMetrics() resolves it. */
export interface WorkerAnswer {
  worker: number;
  metrics: unknown[];
}

type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** One checked sample; nothing else a worker sent (exemplars, timestamps) is passed on. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** One checked metric family of one worker. */
interface Family {
  name: string;
  help: string;
  type: MetricType;
  aggregator: Aggregator;
  values: Sample[];
}

/** What to expose and what was left out, per reason. */
export interface WorkerExposition {
  registries: Registry[];
  dropped: Record<WorkerDropReason, number>;
}

const TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary']);
// prom-client's aggregators; an unknown one would make AggregatorRegistry.aggregate() throw,
// failing the whole scrape, so such a family is dropped instead.
const AGGREGATORS = new Set<string>(['sum', 'first', 'omit', 'average', 'min', 'max']);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const OPENMETRICS = Registry.OPENMETRICS_CONTENT_TYPE;

/**
 * Checks every worker's families and builds the registries to render for `mode`. `reserved`
 * holds the names the master's own registry exposes; names starting portplex_ are reserved too.
 */
export function workerExposition(
  answers: readonly WorkerAnswer[],
  options: { mode: WorkerMetricsMode; reserved: Iterable<string>; contentType?: RegistryContentType },
): WorkerExposition {
  const dropped = Object.fromEntries(WORKER_DROP_REASONS.map((r) => [r, 0])) as Record<WorkerDropReason, number>;
  const contentType = options.contentType ?? Registry.PROMETHEUS_CONTENT_TYPE;
  if (options.mode === 'off') return { registries: [], dropped };
  const reserved = new Set([...options.reserved].map(familyKey));
  // familyKey -> the name and type the first worker (lowest id) gave it.
  const seen = new Map<string, { name: string; type: MetricType }>();
  const accepted: Array<{ worker: number; families: Family[] }> = [];

  for (const answer of [...answers].sort((a, b) => a.worker - b.worker)) {
    const families: Family[] = [];
    const mine = new Set<string>();
    for (const raw of answer.metrics) {
      const f = parseFamily(raw);
      if (!f || mine.has(f.name)) {
        dropped.invalid++;
        continue;
      }
      mine.add(f.name);
      const key = familyKey(f.name);
      const first = seen.get(key);
      if (f.name.startsWith('portplex_') || reserved.has(key) || (first && first.name !== f.name)) dropped.name_clash++;
      else if (first && first.type !== f.type) dropped.type_mismatch++;
      else {
        if (!first) seen.set(key, { name: f.name, type: f.type });
        families.push(f);
      }
    }
    accepted.push({ worker: answer.worker, families });
  }

  const registries: Registry[] = [];
  if (options.mode === 'aggregate' || options.mode === 'both') {
    registries.push(render(accepted.map((a) => a.families), contentType));
  }
  if (options.mode === 'per-worker' || options.mode === 'both') {
    const rename = options.mode === 'both';
    // Generated key -> the family it came from: two families must not be renamed into one.
    const generated = new Map<string, string>();
    const lists = accepted.map((a) => {
      const out: Family[] = [];
      for (const f of a.families) {
        const name = rename ? byWorkerName(f.name, f.type) : f.name;
        const key = familyKey(name);
        if (f.values.some((v) => WORKER_LABEL in v.labels)) dropped.label_clash++;
        else if (rename && (name.startsWith('portplex_') || reserved.has(key) || seen.has(key) || (generated.get(key) ?? f.name) !== f.name)) {
          dropped.name_clash++;
        } else {
          if (rename) generated.set(key, f.name);
          out.push(withWorkerLabel(f, name, a.worker));
        }
      }
      return out;
    });
    registries.push(render(lists, contentType));
  }
  return { registries, dropped };
}

/** The per-worker family name in 'both' mode: <name>_by_worker, a counter's _total kept last. */
export function byWorkerName(name: string, type: string): string {
  return type === 'counter' && name.endsWith('_total') ? `${name.slice(0, -'_total'.length)}_by_worker_total` : `${name}_by_worker`;
}

/**
 * Joins expositions of one content type into one: text parts end with a newline, and OpenMetrics
 * allows a single "# EOF", at the very end.
 */
export function joinExpositions(parts: readonly string[], contentType: string): string {
  const openMetrics = contentType === OPENMETRICS;
  const bodies = parts
    .map((p) => (openMetrics ? p.replace(/# EOF\s*$/, '') : p).trim())
    .filter((p) => p !== '');
  const text = bodies.length === 0 ? '' : `${bodies.join('\n')}\n`;
  return openMetrics ? `${text}# EOF\n` : text;
}

/** One name per family whatever the format: OpenMetrics strips a counter's _total suffix. */
function familyKey(name: string): string {
  return name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
}

function withWorkerLabel(f: Family, name: string, worker: number): Family {
  return {
    name,
    help: f.help,
    type: f.type,
    // Each series is one worker's, so nothing is combined; 'omit' would hide what the
    // application only asked to leave out of the aggregate (process_start_time_seconds).
    aggregator: 'sum',
    values: f.values.map((v) => ({
      labels: { ...v.labels, [WORKER_LABEL]: String(worker) },
      value: v.value,
      // _bucket, _sum, _count follow the family's new name.
      ...(v.metricName === undefined ? {} : { metricName: name + v.metricName.slice(f.name.length) }),
    })),
  };
}

function render(lists: Family[][], contentType: RegistryContentType): Registry {
  const openMetrics = contentType === OPENMETRICS;
  // OpenMetrics renders a counter's family without _total and appends it to each sample. Real
  // Counter objects are renamed by Registry.metrics(); aggregated copies are not, so do it here.
  const prepared = openMetrics
    ? lists.map((l) => l.map((f) => (f.type === 'counter'
      ? { ...f, name: familyKey(f.name), values: f.values.map((v) => ({ labels: v.labels, value: v.value })) }
      : f)))
    : lists;
  const registry = AggregatorRegistry.aggregate(prepared) as Registry;
  registry.setContentType(contentType as never);
  return registry;
}

/** A family as prom-client's getMetricsAsJSON() makes it, or undefined if anything is off. */
function parseFamily(raw: unknown): Family | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.name !== 'string' || !METRIC_NAME.test(r.name)) return undefined;
  if (typeof r.help !== 'string' || typeof r.type !== 'string' || !TYPES.has(r.type)) return undefined;
  const aggregator = r.aggregator ?? 'sum';
  if (typeof aggregator !== 'string' || !AGGREGATORS.has(aggregator)) return undefined;
  if (!Array.isArray(r.values)) return undefined;
  const values: Sample[] = [];
  for (const v of r.values as unknown[]) {
    const sample = parseSample(v, r.name);
    if (!sample) return undefined;
    values.push(sample);
  }
  return { name: r.name, help: r.help, type: r.type as MetricType, aggregator: aggregator as Aggregator, values };
}

function parseSample(raw: unknown, family: string): Sample | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const v = raw as Record<string, unknown>;
  // IPC carries JSON, where NaN and infinities become null.
  const value = v.value === null ? NaN : v.value;
  if (typeof value !== 'number') return undefined;
  const labels: Record<string, string | number> = {};
  if (v.labels !== undefined) {
    if (typeof v.labels !== 'object' || v.labels === null || Array.isArray(v.labels)) return undefined;
    for (const [k, l] of Object.entries(v.labels)) {
      if (!LABEL_NAME.test(k) || k.startsWith('__')) return undefined;
      if (typeof l !== 'string' && typeof l !== 'number') return undefined;
      labels[k] = l;
    }
  }
  if (v.metricName === undefined) return { labels, value };
  // A sample must belong to its family (x_bucket of x): otherwise a family could slip samples of
  // any name, a reserved one included, past the name checks.
  if (typeof v.metricName !== 'string' || !METRIC_NAME.test(v.metricName)) return undefined;
  if (v.metricName !== family && !v.metricName.startsWith(`${family}_`)) return undefined;
  return { labels, value, metricName: v.metricName };
}
