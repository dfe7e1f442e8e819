// Worker side of metrics aggregation: the metrics of this worker process, as prom-client JSON.
//
// Placeholder contract (filled in by the aggregation work): resolves with the result of
// getMetricsAsJSON() of the registry the application uses, or undefined when it uses none.
export async function collectWorkerMetrics(): Promise<unknown[] | undefined> {
  return undefined;
}
