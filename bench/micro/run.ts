// Runs the micro-benchmarks, each in a process of its own (a clean heap for bytes per record,
// and no JIT state shared with the runner).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TableResult } from '../table.js';
import type { PickRate } from './balancers.js';
import type { IpcCost } from './ipc.js';
import type { MasterFloor } from './master-floor.js';

export interface MicroResults {
  balancers: PickRate[];
  /** One entry per run. */
  table: TableResult[];
  /** Node's IPC: sender CPU per message, with and without a handle (absent in older results). */
  ipc?: IpcCost;
  /** A bare Node master's CPU per connection: the floor under dispatch mode's master (absent in older results). */
  floor?: MasterFloor;
}

function runJson<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`node ${args.join(' ')}: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`node ${args.join(' ')}: not JSON: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

/**
 * Balancer pick rates (`pickMs` per case), `tableRuns` table runs of `tableRecords`, the IPC
 * costs, and the master floor over `floorConnections` per way and round.
 */
export async function runMicro(pickMs: number, tableRuns: number, tableRecords: number, floorConnections: number): Promise<MicroResults> {
  const balancers = await runJson<PickRate[]>([fileURLToPath(new URL('./balancers.js', import.meta.url)), String(pickMs), '--json']);
  const table: TableResult[] = [];
  for (let i = 0; i < tableRuns; i++) {
    table.push(await runJson<TableResult>(['--expose-gc', fileURLToPath(new URL('../table.js', import.meta.url)), String(tableRecords), '--json']));
  }
  const ipc = await runJson<IpcCost>([fileURLToPath(new URL('./ipc.js', import.meta.url)), '1000', '--json']);
  const floor = await runJson<MasterFloor>([fileURLToPath(new URL('./master-floor.js', import.meta.url)), String(floorConnections), '--json']);
  return { balancers, table, ipc, floor };
}
