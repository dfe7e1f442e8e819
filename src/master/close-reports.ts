// A worker's close reports: the ids after the acks in an A frame. Each removes its record, but
// only a record of the reporting process (its table key): a worker may close nothing else.
import { ackId } from '../ipc/frames.js';
import type { ConnectionTable } from '../table/connection-table.js';
import type { WorkerProcess } from '../workers/worker-process.js';

/** Removes the records of ids from..to-1 of the A frame at `start`; returns true if any was a direct-mode connection. */
export function recordCloses(table: ConnectionTable, p: WorkerProcess, key: number, b: Buffer, start: number, from: number, to: number): boolean {
  let direct = false;
  for (let i = from; i < to; i++) {
    let id = ackId(b, start, i);
    if (id < 0) {
      // Accepted directly: the process's own number maps to the record.
      const mapped = p.direct.close(id);
      if (mapped === undefined) continue;
      id = mapped;
      direct = true;
    }
    if (table.workerOf(id) === key) table.remove(id);
  }
  if (to > from) p.markRoom();
  return direct;
}
