// One parser's fuzz loop, in a worker thread so that the runner can tell a hang (no progress)
// from slow work and end it. Posts progress every PROGRESS_EVERY cases, then a final report.
import { parentPort, workerData } from 'node:worker_threads';
import { HTTP_INVALID_REASONS, parseHttpHead } from '../../src/content/http-head.js';
import type { ParseResult } from '../../src/content/parse-result.js';
import { parseProxyHeader, PROXY_INVALID_REASONS } from '../../src/content/proxy-protocol.js';
import { parseClientHello, TLS_INVALID_REASONS } from '../../src/content/tls-client-hello.js';
import { HTTP_SAMPLES, nextCase, PROXY_SAMPLES, Rng, TLS_SAMPLES } from './mutate.js';

export type FuzzParser = 'http-head' | 'tls-client-hello' | 'proxy-protocol';

export interface FuzzProgress { done: number; crashes: number; contract: number; slowestMs: number; statuses: Record<string, number>; examples: string[]; final: boolean }

const PARSERS: Record<FuzzParser, { parse: (b: Buffer) => ParseResult<unknown>; samples: readonly Buffer[]; reasons: readonly string[] }> = {
  'http-head': { parse: (b) => parseHttpHead(b), samples: HTTP_SAMPLES, reasons: HTTP_INVALID_REASONS },
  'tls-client-hello': { parse: (b) => parseClientHello(b), samples: TLS_SAMPLES, reasons: TLS_INVALID_REASONS },
  'proxy-protocol': { parse: (b) => parseProxyHeader(b), samples: PROXY_SAMPLES, reasons: PROXY_INVALID_REASONS },
};

const PROGRESS_EVERY = 20000;

/** What a result must look like: one of three statuses, a consumed count within the input, a known reason. */
export function contractBroken(r: ParseResult<unknown>, input: Buffer, reasons: readonly string[]): string | null {
  if (r === null || typeof r !== 'object') return 'not a result';
  if (r.status === 'need-more') return null;
  if (r.status === 'parsed') return Number.isInteger(r.consumed) && r.consumed > 0 && r.consumed <= input.length ? null : `consumed ${r.consumed} of ${input.length}`;
  if (r.status === 'invalid') return reasons.includes(r.reason) ? null : `unknown reason ${r.reason}`;
  return `status ${(r as { status: unknown }).status}`;
}

function run(parser: FuzzParser, cases: number, seed: number): void {
  const p = PARSERS[parser];
  const rng = new Rng(seed);
  const out: FuzzProgress = { done: 0, crashes: 0, contract: 0, slowestMs: 0, statuses: {}, examples: [], final: false };
  for (let i = 0; i < cases; i++) {
    const input = nextCase(rng, p.samples);
    const t0 = performance.now();
    let r: ParseResult<unknown> | undefined;
    try {
      r = p.parse(input);
    } catch (err) {
      out.crashes++;
      if (out.examples.length < 3) out.examples.push(`case ${i}: threw ${(err as Error).message}; input ${input.subarray(0, 128).toString('hex')}`);
    }
    const ms = performance.now() - t0;
    if (ms > out.slowestMs) out.slowestMs = ms;
    if (r) {
      out.statuses[r.status] = (out.statuses[r.status] ?? 0) + 1;
      const broken = contractBroken(r, input, p.reasons);
      if (broken) {
        out.contract++;
        if (out.examples.length < 3) out.examples.push(`case ${i}: ${broken}; input ${input.subarray(0, 128).toString('hex')}`);
      }
    }
    out.done = i + 1;
    if (out.done % PROGRESS_EVERY === 0) parentPort!.postMessage(out);
  }
  parentPort!.postMessage({ ...out, final: true });
}

if (parentPort) {
  const d = workerData as { parser: FuzzParser; cases: number; seed: number };
  run(d.parser, d.cases, d.seed);
}
