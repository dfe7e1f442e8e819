// Worker side of metrics aggregation: the metrics of this worker process, as prom-client JSON,
// sent to the master when it scrapes (the runtime answers 'metrics?' with collectWorkerMetrics()).
import { createRequire } from 'node:module';
import path from 'node:path';

/** The parts of a prom-client registry used here; the application's copy may be another version. */
interface RegistryLike {
  getMetricsAsJSON(): Promise<Array<{ name: string }>> | Array<{ name: string }>;
  removeSingleMetric(name: string): void;
}

/** The parts of the prom-client module used here. */
interface PromClientLike {
  register: RegistryLike;
  Registry: new () => RegistryLike;
  collectDefaultMetrics(config: { register: RegistryLike }): void;
}

/** Present when default metrics are on, with or without a prefix. */
const DEFAULTS_MARKER = 'process_cpu_user_seconds_total';

// prom-client's defaults include three gauges named *_total; promtool's linter rejects a non-counter
// with that suffix, and each equals the sum of its by-type gauge (nodejs_active_handles and so on),
// which stays. Only the defaults portplex turns on lose them: an application's own are passed as is.
const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

let client: PromClientLike | undefined;
let defaults: RegistryLike | undefined;
let extra: RegistryLike[] = [];

/**
 * This worker's metrics as prom-client JSON: the application's global registry, any registry
 * passed to useWorkerRegistries(), and default metrics unless the application collects them.
 * Rejects (never throws synchronously) when prom-client cannot be loaded or a collector fails.
 */
export async function collectWorkerMetrics(): Promise<unknown[]> {
  client ??= loadPromClient();
  const families: Array<{ name: string }> = [];
  const names = new Set<string>();
  // The first registry holding a name wins: two families of one name cannot both be exposed.
  const add = (list: Array<{ name: string }>): void => {
    for (const f of list) {
      if (names.has(f.name)) continue;
      names.add(f.name);
      families.push(f);
    }
  };
  for (const registry of [client.register, ...extra]) add(await registry.getMetricsAsJSON());
  if (![...names].some((n) => n.endsWith(DEFAULTS_MARKER))) {
    defaults ??= startDefaultMetrics(client);
    add(await defaults.getMetricsAsJSON());
  }
  return families;
}

/**
 * Starts default metrics now instead of at the first scrape, so counters that count from their
 * registration (CPU seconds, GC) cover the worker's whole life. Optional, idempotent, never
 * throws (a failure shows at the next scrape). Costs a prom-client load and its collectors.
 */
export function startWorkerMetrics(): void {
  try {
    client ??= loadPromClient();
    defaults ??= startDefaultMetrics(client);
  } catch {
    // collectWorkerMetrics() tries again and rejects with the reason.
  }
}

/**
 * Adds registries other than prom-client's global one (which is always read), for applications
 * that keep their metrics in their own Registry objects. Replaces the previous list.
 */
export function useWorkerRegistries(...registries: RegistryLike[]): void {
  extra = registries;
}

/**
 * prom-client as the application resolves it, so its global registry is the one the application
 * registers in (two copies keep two globals); portplex's own copy when the application has none.
 */
function loadPromClient(): PromClientLike {
  const main = process.argv[1];
  if (main) {
    try {
      return createRequire(path.resolve(main))('prom-client') as PromClientLike;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    }
  }
  return createRequire(import.meta.url)('prom-client') as PromClientLike;
}

/**
 * Default metrics in a private registry, once per process. Not in the global one: an application
 * that calls collectDefaultMetrics() later would then fail with "already registered"; once it
 * has, collectWorkerMetrics() sees the marker there and leaves this registry out.
 */
function startDefaultMetrics(prom: PromClientLike): RegistryLike {
  const register = new prom.Registry();
  prom.collectDefaultMetrics({ register });
  for (const name of LINT_FAILING_DEFAULTS) register.removeSingleMetric(name);
  return register;
}
