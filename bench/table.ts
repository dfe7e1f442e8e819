// Micro-benchmark of the connection record table: 1,000,000 IPv4 records inserted, looked up
// by 4-tuple, then deleted. Prints inserts+deletes per second, lookups per second and bytes
// per record. Run: node --expose-gc dist/bench/table.js [records] [--json]
// (npm run bench runs it too, in a process of its own so the heap holds nothing else.)
import { pathToFileURL } from 'node:url';
import { ConnectionTable } from '../src/table/connection-table.js';
import { State } from '../src/table/types.js';

/** One run's figures; bytesPerRecord is null without --expose-gc. */
export interface TableResult {
  records: number;
  capacity: number;
  insertPerSec: number;
  lookupPerSec: number;
  deletePerSec: number;
  insertDeletePerSec: number;
  bytesPerRecord: number | null;
}

const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Inserts, looks up and deletes `n` records in a fresh table. */
export function measureTable(n: number): TableResult {
  // Addresses as sockets would hand them over: distinct strings made before the clock starts.
  // 4096 ports per address, so the tuples are distinct, like real clients behind a few NATs.
  const addresses: string[] = [];
  for (let i = 0; i < n; i++) addresses.push(`10.${(i >> 20) & 255}.${(i >> 12) & 255}.${(i >> 4) & 255}`);
  const port = (i: number) => 1024 + (i & 4095);

  const ids = new Float64Array(n);
  const before = heap();
  const table = new ConnectionTable();
  const now = Date.now();

  let t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) ids[i] = table.add('tcp', addresses[i]!, port(i), i & 3, State.Queued, now);
  const insertNs = Number(process.hrtime.bigint() - t);

  const after = heap();

  t = process.hrtime.bigint();
  let found = 0;
  for (let i = 0; i < n; i++) if (table.lookup('tcp', addresses[i]!, port(i), i & 3) === ids[i]) found++;
  const lookupNs = Number(process.hrtime.bigint() - t);
  if (found !== n) throw new Error(`lookup found ${found} of ${n}`);

  t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) table.remove(ids[i]!);
  const deleteNs = Number(process.hrtime.bigint() - t);
  if (table.size !== 0) throw new Error(`size ${table.size} after deleting all`);

  const perSecond = (ops: number, ns: number) => Math.round((ops * 1e9) / ns);
  return {
    records: n,
    capacity: table.capacity,
    insertPerSec: perSecond(n, insertNs),
    lookupPerSec: perSecond(n, lookupNs),
    deletePerSec: perSecond(n, deleteNs),
    insertDeletePerSec: perSecond(2 * n, insertNs + deleteNs),
    bytesPerRecord: gc ? (after - before) / n : null,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const r = measureTable(Number(args.find((a) => !a.startsWith('--')) ?? 1_000_000));
  if (args.includes('--json')) {
    console.log(JSON.stringify(r));
  } else {
    const fmt = (x: number) => x.toLocaleString('en-US');
    console.log(`records            ${fmt(r.records)} (capacity ${fmt(r.capacity)})`);
    console.log(`insert             ${fmt(r.insertPerSec)}/s`);
    console.log(`lookup             ${fmt(r.lookupPerSec)}/s`);
    console.log(`delete             ${fmt(r.deletePerSec)}/s`);
    console.log(`insert+delete      ${fmt(r.insertDeletePerSec)} ops/s`);
    console.log(`bytes per record   ${r.bytesPerRecord === null ? 'n/a (run with --expose-gc)' : r.bytesPerRecord.toFixed(1)}`);
  }
}
