// Micro-benchmark of the balancers: picks per second of each algorithm over 8 and 64 workers,
// with connections opening on every pick and closing 1,000 picks later (so least-connections
// and friends see changing counts), weights 1-3 and a spread of client addresses.
// Run: node dist/bench/micro/balancers.js [ms per case] [--json]
import { pathToFileURL } from 'node:url';
import { ALGORITHMS, createBalancer } from '../../src/balancers/index.js';
import type { ClientInfo } from '../../src/balancers/balancer.js';

/** Picks per second of one algorithm over one worker count. */
export interface PickRate {
  algorithm: string;
  workers: number;
  picksPerSec: number;
}

interface MutableCandidate {
  id: number;
  weight: number;
  active: number;
  max: number;
  available: boolean;
  latency: number;
}

const OPEN = 1000;

/** Picks as fast as it can for `ms` (after a short warm-up) and counts. */
export function measurePicks(algorithm: string, workers: number, ms: number): PickRate {
  const balancer = createBalancer(algorithm);
  const candidates: MutableCandidate[] = Array.from({ length: workers }, (_, i) => ({
    id: i + 1, weight: 1 + (i % 3), active: 0, max: 0, available: true, latency: 1 + (i % 5),
  }));
  const clients: ClientInfo[] = Array.from({ length: 1024 }, (_, i) => ({ address: `10.0.${i >> 8}.${i & 255}`, port: 1024 + i }));
  const open = new Int32Array(OPEN).fill(-1);
  let n = 0;
  const run = (until: bigint): number => {
    let count = 0;
    while (process.hrtime.bigint() < until) {
      // Check the clock every 1,024 picks; the loop body is the measured thing.
      for (let k = 0; k < 1024; k++, n++) {
        const slot = n % OPEN;
        const closing = open[slot]!;
        if (closing >= 0) candidates[closing]!.active--;
        const p = balancer.pick(candidates, clients[n & 1023]!);
        if (p < 0) throw new Error(`${algorithm} picked no worker`);
        candidates[p]!.active++;
        open[slot] = p;
      }
      count += 1024;
    }
    return count;
  };
  run(process.hrtime.bigint() + BigInt(Math.min(200, ms) * 1e6));
  const t0 = process.hrtime.bigint();
  const count = run(t0 + BigInt(ms * 1e6));
  const ns = Number(process.hrtime.bigint() - t0);
  return { algorithm, workers, picksPerSec: Math.round((count * 1e9) / ns) };
}

/** Every algorithm over 8 and 64 workers. */
export function measureAll(ms: number): PickRate[] {
  const out: PickRate[] = [];
  for (const algorithm of ALGORITHMS) for (const workers of [8, 64]) out.push(measurePicks(algorithm, workers, ms));
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const rates = measureAll(Number(args.find((a) => !a.startsWith('--')) ?? 500));
  if (args.includes('--json')) console.log(JSON.stringify(rates));
  else for (const r of rates) console.log(`${r.algorithm.padEnd(22)} ${String(r.workers).padStart(2)} workers  ${r.picksPerSec.toLocaleString('en-US').padStart(12)} picks/s`);
}
