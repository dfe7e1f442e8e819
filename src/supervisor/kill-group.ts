// The one way portplex signals a worker and what it started: its process group, but only when
// the pid is one we checked. A negative pid is a group; -0 is kill(0), which signals the
// caller's own group (the master, and the user's shell job with it). So a process group is
// signalled only for a real pid, not ours, that leads its own group (workers are forked
// detached, so each leads one); anything else gets a signal to that one process.
import { readFileSync } from 'node:fs';

/** What killGroup needs of a child process. */
export interface Killable {
  readonly pid?: number | undefined;
  kill(signal: NodeJS.Signals): boolean;
}

/** The process group of `pid`, from /proc/<pid>/stat (field 5), or 0 when it cannot be read. */
export function processGroupOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command) is in parentheses and may hold spaces: count from after it.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[2]) || 0;
  } catch {
    return 0;
  }
}

export interface KillDeps {
  groupOf(pid: number): number;
  killGroup(pgid: number, signal: NodeJS.Signals): void;
}

const system: KillDeps = {
  groupOf: processGroupOf,
  killGroup: (pgid, signal) => process.kill(-pgid, signal),
};

/**
 * Sends `signal` to `child`'s process group when `child` leads one of its own, else to `child`
 * alone. Returns false when there was nothing to signal (no pid: the spawn failed, or gone).
 */
export function killGroup(child: Killable, signal: NodeJS.Signals, deps: KillDeps = system): boolean {
  const pid = child.pid;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 1) return false;
  if (pid !== process.pid && deps.groupOf(pid) === pid) {
    try {
      deps.killGroup(pid, signal);
      return true;
    } catch {
      // Gone between the check and the signal, or not ours to signal: try the process itself.
    }
  }
  try {
    return child.kill(signal);
  } catch {
    return false;
  }
}
