// How many CPUs this process may use: the CPUs it may run on, capped by its cgroup's CPU quota
// (a container's `--cpus`, a Kubernetes CPU limit). os.availableParallelism() reads only the
// affinity on Node 20; from libuv 1.49 (Node 22) it also reads a quota, but only cgroup v2's
// or a v1 `cpu,cpuacct` hierarchy, and rounds 1.5 CPUs down to 1. Reading both here gives the
// same count on every Node line, and a fractional limit rounds up (1.5 CPUs keep 2 workers busy).
//
// Every reader takes `root` (default '/') so tests can build a fake /proc and /sys in a temp
// directory. A file that is missing or unreadable or holds garbage means no limit: never a throw.
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, posix } from 'node:path';

/** Workers by default: the CPUs this process may run on, capped by its CPU limit rounded up; at least 1. */
export function cpuCount(root = '/'): number {
  const cpus = affinityCount(root) ?? availableParallelism();
  const limit = cpuLimit(root);
  return Math.max(1, limit === undefined ? cpus : Math.min(cpus, Math.ceil(limit)));
}

/**
 * The smallest CPU quota, in CPUs (150000/100000 -> 1.5), over the process's cgroup and its
 * ancestors, cgroup v2 and v1 alike (a hybrid system may put the cpu controller in either);
 * undefined when none is set.
 */
export function cpuLimit(root = '/'): number | undefined {
  const membership = readText(join(root, 'proc/self/cgroup'));
  if (membership === undefined) return undefined;
  const mounts = cgroupMounts(root);
  let min: number | undefined;
  for (const line of membership.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const id = line.slice(0, first);
    const controllers = line.slice(first + 1, second).split(',');
    // The path may itself hold a colon: everything after the second one.
    const path = line.slice(second + 1);
    const v2 = id === '0' && controllers.length === 1 && controllers[0] === '';
    if (!v2 && !controllers.includes('cpu')) continue;
    const mount = pickMount(v2 ? mounts.v2 : mounts.v1, path) ?? (mounts.readable ? undefined : conventionalMount(root, v2));
    if (mount === undefined) continue;
    for (const dir of upToMount(root, mount, path)) {
      const cpus = v2 ? readCpuMax(dir) : readCfsQuota(dir);
      if (cpus !== undefined && (min === undefined || cpus < min)) min = cpus;
    }
  }
  return min;
}

/** Where a hierarchy is mounted: `root` is the cgroup shown at `point` ('/' unless a container sees only its own). */
interface Mount {
  readonly root: string;
  readonly point: string;
}

/** The cgroup2 mounts and the v1 mounts holding the cpu controller, from /proc/self/mountinfo. */
function cgroupMounts(root: string): { v2: Mount[]; v1: Mount[]; readable: boolean } {
  const text = readText(join(root, 'proc/self/mountinfo'));
  const found = { v2: [] as Mount[], v1: [] as Mount[], readable: text !== undefined };
  for (const line of text?.split('\n') ?? []) {
    // "31 23 0:28 <root> <mount point> <options> [optional fields] - <type> <source> <super options>"
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash < 0 || fields.length < dash + 4) continue;
    const mount = { root: unescape(fields[3]!), point: unescape(fields[4]!) };
    const type = fields[dash + 1];
    if (type === 'cgroup2') add(found.v2, mount);
    else if (type === 'cgroup' && fields[dash + 3]!.split(',').includes('cpu')) add(found.v1, mount);
  }
  return found;
}

/** A later mount on the same point hides the earlier one (a container runtime's bind over the host's). */
function add(mounts: Mount[], mount: Mount): void {
  const hidden = mounts.findIndex((m) => m.point === mount.point);
  if (hidden >= 0) mounts.splice(hidden, 1);
  mounts.push(mount);
}

/** Without a readable mountinfo: where distributions and container runtimes mount them. */
function conventionalMount(root: string, v2: boolean): Mount | undefined {
  const points = v2 ? ['/sys/fs/cgroup'] : ['/sys/fs/cgroup/cpu,cpuacct', '/sys/fs/cgroup/cpu'];
  const point = points.find((p) => isDir(join(root, p)));
  return point === undefined ? undefined : { root: '/', point };
}

/** The mount showing `path` (or an ancestor of it), else the first one: a container may see only its own cgroup. */
function pickMount(mounts: readonly Mount[], path: string): Mount | undefined {
  return mounts.find((m) => within(m.root, path)) ?? mounts[0];
}

/**
 * The directories of the cgroup at `path` and of each ancestor the mount shows, the cgroup's own
 * first, the mount point last. In a container the mount is often the container's own cgroup while
 * /proc/self/cgroup names its path on the host, which does not exist under the mount: its files
 * are then unreadable and the mount point, always in the list, is the process's cgroup.
 */
function upToMount(root: string, mount: Mount, path: string): string[] {
  const base = join(root, mount.point);
  // normalize() also takes a '..' (a cgroup outside the namespace's view) back to '/'.
  const rel = within(mount.root, path) ? posix.normalize(`/${mount.root === '/' ? path : path.slice(mount.root.length)}`) : '/';
  const parts = rel.split('/').filter((p) => p !== '');
  const dirs: string[] = [];
  for (let i = parts.length; i >= 0; i--) dirs.push(join(base, ...parts.slice(0, i)));
  return dirs;
}

/** Whether cgroup `path` is `top` or under it. */
function within(top: string, path: string): boolean {
  return top === '/' || path === top || path.startsWith(`${top}/`);
}

/** cgroup v2 `cpu.max`: "<quota> <period>" in µs, or "max <period>" for none. */
function readCpuMax(dir: string): number | undefined {
  const m = /^(\d+) (\d+)\s*$/.exec(readText(join(dir, 'cpu.max')) ?? '');
  return m ? ratio(Number(m[1]), Number(m[2])) : undefined;
}

/** cgroup v1 `cpu.cfs_quota_us` (-1 for none) over `cpu.cfs_period_us`. */
function readCfsQuota(dir: string): number | undefined {
  const quota = /^(-?\d+)\s*$/.exec(readText(join(dir, 'cpu.cfs_quota_us')) ?? '');
  if (!quota || Number(quota[1]) <= 0) return undefined;
  const period = /^(\d+)\s*$/.exec(readText(join(dir, 'cpu.cfs_period_us')) ?? '');
  return period ? ratio(Number(quota[1]), Number(period[1])) : undefined;
}

function ratio(quota: number, period: number): number | undefined {
  return quota > 0 && period > 0 ? quota / period : undefined;
}

/**
 * CPUs this process may run on: `Cpus_allowed_list` of /proc/self/status (what taskset and a
 * cpuset give), counted among the online ones, since the mask may name every possible CPU.
 */
function affinityCount(root: string): number | undefined {
  const status = readText(join(root, 'proc/self/status'));
  const allowed = cpuList(/^Cpus_allowed_list:[ \t]*(\S+)[ \t]*$/m.exec(status ?? '')?.[1]);
  if (allowed === undefined) return undefined;
  const online = cpuList(readText(join(root, 'sys/devices/system/cpu/online'))?.trim());
  let n = 0;
  for (const cpu of allowed) if (online === undefined || online.has(cpu)) n++;
  return n > 0 ? n : undefined;
}

/** A kernel CPU list ("0-3,8,10-11") as a set; undefined unless well formed. */
function cpuList(text: string | undefined): Set<number> | undefined {
  if (text === undefined || !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(text)) return undefined;
  const cpus = new Set<number>();
  for (const range of text.split(',')) {
    const [from, to = from] = range.split('-').map(Number) as [number, number?];
    // Bounded: a corrupt range must not make a huge set.
    if (to < from || to - from > 65535) return undefined;
    for (let c = from; c <= to; c++) cpus.add(c);
  }
  return cpus;
}

/** mountinfo writes a space as \040, a tab as \011, a newline as \012, a backslash as \134. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
