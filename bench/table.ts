// Micro-benchmark of the connection record table: 1,000,000 IPv4 records inserted, looked up
// by 4-tuple, then deleted. Prints inserts+deletes per second, lookups per second and bytes
// per record. Run: node --expose-gc dist/bench/table.js [records]

import { ConnectionTable } from '../src/table/connection-table.js';
import { State } from '../src/table/types.js';

const N = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

// Addresses as sockets would hand them over: distinct strings made before the clock starts.
// 4096 ports per address, so the tuples are distinct, like real clients behind a few NATs.
const addresses: string[] = [];
for (let i = 0; i < N; i++) addresses.push(`10.${(i >> 20) & 255}.${(i >> 12) & 255}.${(i >> 4) & 255}`);
const port = (i: number) => 1024 + (i & 4095);

const ids = new Float64Array(N);
const before = heap();
const table = new ConnectionTable();
const now = Date.now();

let t = process.hrtime.bigint();
for (let i = 0; i < N; i++) ids[i] = table.add('tcp', addresses[i]!, port(i), i & 3, State.Queued, now);
const insertNs = Number(process.hrtime.bigint() - t);

const after = heap();

t = process.hrtime.bigint();
let found = 0;
for (let i = 0; i < N; i++) if (table.lookup('tcp', addresses[i]!, port(i), i & 3) === ids[i]) found++;
const lookupNs = Number(process.hrtime.bigint() - t);
if (found !== N) throw new Error(`lookup found ${found} of ${N}`);

t = process.hrtime.bigint();
for (let i = 0; i < N; i++) table.remove(ids[i]!);
const deleteNs = Number(process.hrtime.bigint() - t);
if (table.size !== 0) throw new Error(`size ${table.size} after deleting all`);

const perSecond = (ops: number, ns: number) => Math.round((ops * 1e9) / ns).toLocaleString('en-US');
console.log(`records            ${N.toLocaleString('en-US')} (capacity ${table.capacity.toLocaleString('en-US')})`);
console.log(`insert             ${(insertNs / 1e6).toFixed(0)} ms, ${perSecond(N, insertNs)}/s`);
console.log(`lookup             ${(lookupNs / 1e6).toFixed(0)} ms, ${perSecond(N, lookupNs)}/s`);
console.log(`delete             ${(deleteNs / 1e6).toFixed(0)} ms, ${perSecond(N, deleteNs)}/s`);
console.log(`insert+delete      ${perSecond(2 * N, insertNs + deleteNs)} ops/s`);
console.log(`bytes per record   ${gc ? ((after - before) / N).toFixed(1) : 'n/a (run with --expose-gc)'}`);
