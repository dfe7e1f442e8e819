// CPU time of one process from /proc/<pid>/stat (Linux), to charge the master per connection.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** utime + stime in clock ticks from the text of /proc/<pid>/stat. */
export function parseProcStat(text: string): number {
  // The command name (field 2) is in parentheses and may hold spaces or ')': fields after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc stat: ${text.slice(0, 120)}`);
  return utime + stime;
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, 100 almost everywhere). */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(r.stdout?.trim());
    ticksPerSecond = Number.isInteger(n) && n > 0 ? n : 100;
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) `pid` has used so far, or null when it cannot be read. */
export function cpuSeconds(pid: number): number | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')) / clockTicks();
  } catch {
    return null;
  }
}

/** The child processes of `pid`, from every thread's /proc children list; [] when unreadable. */
export function childPids(pid: number): number[] {
  const kids: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      for (const k of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) if (k.trim()) kids.push(Number(k));
    }
  } catch {
    // Gone, or a kernel without the children list: the caller reads null CPU figures.
  }
  return kids;
}

/** CPU seconds the processes `pids` have used together so far; null when none or any cannot be read. */
export function cpuSecondsOf(pids: readonly number[]): number | null {
  if (pids.length === 0) return null;
  let sum = 0;
  for (const pid of pids) {
    const s = cpuSeconds(pid);
    if (s === null) return null;
    sum += s;
  }
  return sum;
}
