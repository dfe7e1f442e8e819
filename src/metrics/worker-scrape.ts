// One scrape's worth of worker metrics: asks the workers over portplex's IPC (bounded by a
// timeout, so one stuck worker cannot hold the scrape), builds the exposition, and counts what
// was left out in two master counters kept in a registry of their own.
import { performance } from 'node:perf_hooks';
import { Counter, Registry, type RegistryContentType } from 'prom-client';
import type { Master } from '../master/master.js';
import { WORKER_DROP_REASONS, workerExposition, type WorkerMetricsMode } from './worker-families.js';

/** Collects the worker part of a scrape. */
export interface WorkerScrape {
  /** Texts to append after the master's: worker families, then the two counters. */
  collect(reserved: Iterable<string>, contentType: RegistryContentType): Promise<string[]>;
}

/** Worker metrics for `master` in `mode`, waiting at most `timeoutMs` per scrape for answers. */
export function createWorkerScrape(master: Master, options: { mode: WorkerMetricsMode; timeoutMs: number }): WorkerScrape {
  // Private, not the master's registry: a second endpoint on the same registry must not clash,
  // and these count this endpoint's scrapes only.
  const own = new Registry();
  const dropped = new Counter({
    name: 'portplex_worker_metrics_dropped_total',
    help: 'Worker metric families left out of a scrape, one per worker copy, by reason.',
    labelNames: ['reason'],
    registers: [own],
  });
  // Every reason from the first scrape, so rate() sees the first drop.
  for (const reason of WORKER_DROP_REASONS) dropped.inc({ reason }, 0);
  const timeouts = new Counter({
    name: 'portplex_worker_metrics_timeouts_total',
    help: 'Workers that did not send their metrics within the scrape timeout (left out of that scrape).',
    registers: [own],
  });

  return {
    async collect(reserved, contentType) {
      // The workers Master.workerMetrics() asks: the ready ones (read in the same tick).
      const asked = master.workers().filter((w) => w.state === 'ready').length;
      const started = performance.now();
      const answers = await master.workerMetrics(options.timeoutMs);
      // The master resolves early once every asked worker answered; only a scrape that ran to
      // the deadline had workers that did not answer. (A worker that answered with an error is
      // missing too, but answers at once; counted as a timeout only if another one timed out.)
      // Node's timers have 1 ms granularity, hence the slack.
      if (performance.now() - started >= options.timeoutMs - 1) timeouts.inc(Math.max(0, asked - answers.length));
      const exposition = workerExposition(answers, { mode: options.mode, reserved, contentType });
      for (const reason of WORKER_DROP_REASONS) if (exposition.dropped[reason] > 0) dropped.inc({ reason }, exposition.dropped[reason]);
      own.setContentType(contentType as never);
      const texts = await Promise.all(exposition.registries.map((r) => r.metrics()));
      texts.push(await own.metrics());
      return texts;
    },
  };
}
