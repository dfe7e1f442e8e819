// Parser fuzz: the HTTP head, TLS ClientHello and PROXY header parsers, each fed seeded random and
// mutated inputs in a worker thread. A throw or a hang (no progress for HANG_MS) is a crash; a
// result outside the parsers' contract is counted apart. Repeatable from the seed.
import { Worker } from 'node:worker_threads';
import type { FuzzParser, FuzzProgress } from './fuzz-worker.js';

export const FUZZ_PARSERS: readonly FuzzParser[] = ['http-head', 'tls-client-hello', 'proxy-protocol'];

/** No progress report for this long (20,000 cases) is a hang. */
const HANG_MS = 15000;

export interface FuzzRow {
  parser: FuzzParser;
  seed: number;
  cases: number;
  seconds: number;
  crashes: number;
  hung: boolean;
  contract: number;
  slowestMs: number;
  statuses: Record<string, number>;
  examples: string[];
}

export function fuzzParser(parser: FuzzParser, cases: number, seed: number): Promise<FuzzRow> {
  const t0 = performance.now();
  const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), { workerData: { parser, cases, seed } });
  let last: FuzzProgress = { done: 0, crashes: 0, contract: 0, slowestMs: 0, statuses: {}, examples: [], final: false };
  return new Promise((resolve) => {
    let hung = false;
    let watchdog = setTimeout(onHang, HANG_MS);
    function onHang(): void {
      hung = true;
      void worker.terminate();
    }
    const finish = (): void => {
      clearTimeout(watchdog);
      resolve({ parser, seed, cases: last.done, seconds: (performance.now() - t0) / 1000, crashes: last.crashes + (hung ? 1 : 0), hung, contract: last.contract, slowestMs: last.slowestMs, statuses: last.statuses, examples: hung ? [...last.examples, `hang after case ${last.done}`] : last.examples });
    };
    worker.on('message', (m: FuzzProgress) => {
      last = m;
      clearTimeout(watchdog);
      if (m.final) void worker.terminate();
      else watchdog = setTimeout(onHang, HANG_MS);
    });
    worker.on('error', (err) => {
      last = { ...last, crashes: last.crashes + 1, examples: [...last.examples, `worker error: ${err.message}`] };
    });
    worker.on('exit', finish);
  });
}
