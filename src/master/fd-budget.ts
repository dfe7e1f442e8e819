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

/**
 * How many connections may be read (preread) at once: `configured`, or by default half the
 * budget. A connection being read belongs to no worker yet and may be a slow client's, so slow
 * clients never hold more than half the descriptors: the other half stays for connections that
 * said what they want (queued, in flight, and the copies kept until a worker begins, themselves
 * kept only while less than half the budget is held).
 */
export function prereadingLimit(configured: number, budget: number): number {
  if (configured > 0) return configured;
  return Number.isFinite(budget) ? Math.max(1, Math.floor(budget / 2)) : Infinity;
}
