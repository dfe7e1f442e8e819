// How many connections the master may hold at once before it would run out of file descriptors.
//
// At EMFILE, libuv accepts and closes pending connections itself to keep its accept loop from
// spinning (uv__emfile_trick), and Node never hears of them: they would be lost uncounted. So the
// master refuses (and counts) connections while it still has descriptors to spare.
import { readdirSync, readFileSync } from 'node:fs';

/** Descriptors kept free for everything else the master opens (IPC pipes, restarts, files, DNS). */
const HEADROOM = 64;

/** The soft RLIMIT_NOFILE of this process, or Infinity where it cannot be read. */
export function openFileLimit(): number {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line && line[1] !== 'unlimited' ? Number(line[1]) : Infinity;
  } catch {
    return Infinity;
  }
}

function openNow(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}

/** Connections the master may hold (queued or being handed over); `workers` each cost a few descriptors. */
export function connectionBudget(workers: number, limit = openFileLimit()): number {
  if (!Number.isFinite(limit)) return Infinity;
  return Math.max(1, limit - openNow() - HEADROOM - 4 * workers);
}
