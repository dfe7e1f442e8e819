// The default worker count from a faked /proc and /sys: cgroup v2 and v1, limits on ancestors,
// containers that see only their own cgroup, and files that are missing or hold garbage.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { program } from '../../../src/cli/program.js';
import { cpuCount, cpuLimit } from '../../../src/config/cpu-limit.js';
import { DEFAULTS } from '../../../src/config/defaults.js';
import { docTables, readDoc } from '../../helpers/doc-tables.js';

const roots: string[] = [];
after(() => { for (const r of roots) rmSync(r, { recursive: true, force: true }); });

/** A fake root holding `files` (path -> content; a path ending in '/' is an empty directory). */
function fakeRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'portplex-cpu-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    if (path.endsWith('/')) { mkdirSync(join(root, path), { recursive: true }); continue; }
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** 8 CPUs to run on, so a limit under 8 shows (the machine running the tests may have 2). */
const EIGHT_CPUS = { 'proc/self/status': 'Name:\tnode\nCpus_allowed:\tff\nCpus_allowed_list:\t0-7\nMems_allowed_list:\t0\n' };
const V2_MOUNT = '30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n';
const V1_MOUNTS = [
  '31 23 0:28 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct',
  '33 31 0:30 / /sys/fs/cgroup/memory rw,nosuid shared:10 - cgroup cgroup rw,memory',
  '',
].join('\n');
const V1_GROUPS = (path: string): string => `12:memory:${path}\n4:cpu,cpuacct:${path}\n1:name=systemd:${path}\n`;

test('CPU count from a faked cgroup file: cgroup v2 cpu.max of 1.5 CPUs gives 2 workers', () => {
  const root = fakeRoot({
    ...EIGHT_CPUS,
    'proc/self/cgroup': '0::/app.slice/web.service\n',
    'proc/self/mountinfo': V2_MOUNT,
    'sys/fs/cgroup/app.slice/web.service/cpu.max': '150000 100000\n',
  });
  assert.equal(cpuLimit(root), 1.5);
  assert.equal(cpuCount(root), 2);
});

test('the smallest limit on the way to the root wins, whichever level holds it', () => {
  const cases: Array<{ name: string; levels: [string, string, string, string]; limit: number | undefined; count: number }> = [
    // levels: mount root, /a, /a/b, /a/b/c (the process's)
    { name: 'the process\'s own', levels: ['', 'max 100000', 'max 100000', '50000 100000'], limit: 0.5, count: 1 },
    { name: 'a parent\'s', levels: ['', '400000 100000', '250000 100000', 'max 100000'], limit: 2.5, count: 3 },
    { name: 'the top one, other periods', levels: ['', '300000 50000', '800000 100000', '1200000 200000'], limit: 6, count: 6 },
    { name: 'a container\'s own root (cgroupns)', levels: ['300000 100000', 'max 100000', '', 'max 100000'], limit: 3, count: 3 },
    { name: 'above the CPUs there are', levels: ['', '1600000 100000', '', ''], limit: 16, count: 8 },
    { name: 'none', levels: ['', 'max 100000', 'max 100000', 'max 100000'], limit: undefined, count: 8 },
    { name: 'a tenth of a CPU', levels: ['', '', '', '10000 100000'], limit: 0.1, count: 1 },
  ];
  for (const c of cases) {
    const files: Record<string, string> = { ...EIGHT_CPUS, 'proc/self/cgroup': '0::/a/b/c\n', 'proc/self/mountinfo': V2_MOUNT, 'sys/fs/cgroup/a/b/c/': '' };
    ['', 'a/', 'a/b/', 'a/b/c/'].forEach((dir, i) => { if (c.levels[i]) files[`sys/fs/cgroup/${dir}cpu.max`] = `${c.levels[i]}\n`; });
    const root = fakeRoot(files);
    assert.equal(cpuLimit(root), c.limit, c.name);
    assert.equal(cpuCount(root), c.count, c.name);
  }
});

test('cgroup v1: cfs quota over period under the cpu controller\'s mount, ancestors too, -1 for none', () => {
  const cases: Array<{ name: string; leaf: [string, string]; parent: [string, string]; limit: number | undefined; count: number }> = [
    { name: 'own quota', leaf: ['50000', '100000'], parent: ['-1', '100000'], limit: 0.5, count: 1 },
    { name: 'a parent\'s quota', leaf: ['-1', '100000'], parent: ['250000', '100000'], limit: 2.5, count: 3 },
    { name: 'both: the smaller', leaf: ['300000', '100000'], parent: ['200000', '100000'], limit: 2, count: 2 },
    { name: 'none', leaf: ['-1', '100000'], parent: ['-1', '100000'], limit: undefined, count: 8 },
  ];
  for (const c of cases) {
    const root = fakeRoot({
      ...EIGHT_CPUS,
      'proc/self/cgroup': V1_GROUPS('/docker/abc'),
      'proc/self/mountinfo': V1_MOUNTS,
      'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '-1\n',
      'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
      'sys/fs/cgroup/cpu,cpuacct/docker/cpu.cfs_quota_us': `${c.parent[0]}\n`,
      'sys/fs/cgroup/cpu,cpuacct/docker/cpu.cfs_period_us': `${c.parent[1]}\n`,
      'sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us': `${c.leaf[0]}\n`,
      'sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us': `${c.leaf[1]}\n`,
      // A quota in another controller's hierarchy is not a CPU limit.
      'sys/fs/cgroup/memory/docker/abc/cpu.cfs_quota_us': '10000\n',
      'sys/fs/cgroup/memory/docker/abc/cpu.cfs_period_us': '100000\n',
    });
    assert.equal(cpuLimit(root), c.limit, c.name);
    assert.equal(cpuCount(root), c.count, c.name);
  }
});

test('cgroup v1 in a container: the mount is the container\'s own cgroup, whatever path /proc/self/cgroup names', () => {
  const quota = { 'cpu.cfs_quota_us': '150000\n', 'cpu.cfs_period_us': '100000\n' };
  const at = (dir: string): Record<string, string> => Object.fromEntries(Object.entries(quota).map(([f, v]) => [`${dir}/${f}`, v]));
  // The mount's root names the container's cgroup (no cgroup namespace).
  const shown = fakeRoot({
    ...EIGHT_CPUS,
    'proc/self/cgroup': V1_GROUPS('/kubepods/burstable/pod1/c1'),
    'proc/self/mountinfo': '40 31 0:29 /kubepods/burstable/pod1/c1 /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct\n',
    ...at('sys/fs/cgroup/cpu,cpuacct'),
  });
  assert.equal(cpuLimit(shown), 1.5);
  assert.equal(cpuCount(shown), 2);
  // The mount's root says '/' but the host's path does not exist under it: the mount point is the cgroup.
  const hidden = fakeRoot({
    ...EIGHT_CPUS,
    'proc/self/cgroup': V1_GROUPS('/docker/0123abcd'),
    'proc/self/mountinfo': '40 31 0:29 / /sys/fs/cgroup/cpu ro,nosuid - cgroup cgroup rw,cpu\n',
    ...at('sys/fs/cgroup/cpu'),
  });
  assert.equal(cpuLimit(hidden), 1.5);
  assert.equal(cpuCount(hidden), 2);
  // The hierarchy mounted twice: the mount showing the process's cgroup, not another container's.
  const twice = fakeRoot({
    ...EIGHT_CPUS,
    'proc/self/cgroup': V1_GROUPS('/docker/mine'),
    'proc/self/mountinfo': [
      '50 31 0:29 /docker/other /run/other-cpu rw - cgroup cgroup rw,cpu,cpuacct',
      '51 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct',
      '',
    ].join('\n'),
    'run/other-cpu/cpu.cfs_quota_us': '10000\n',
    'run/other-cpu/cpu.cfs_period_us': '100000\n',
    ...at('sys/fs/cgroup/cpu,cpuacct/docker/mine'),
  });
  assert.equal(cpuLimit(twice), 1.5);
  // A bind of the container's cgroup over the host's mount: the later mount is what the path shows.
  const shadowed = fakeRoot({
    ...EIGHT_CPUS,
    'proc/self/cgroup': V1_GROUPS('/pod/c1'),
    'proc/self/mountinfo': [
      '51 50 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu',
      '66 51 0:29 /pod /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu',
      '',
    ].join('\n'),
    ...at('sys/fs/cgroup/cpu/c1'),
    // What the hidden mount would name; the directory is there only to catch reading it.
    'sys/fs/cgroup/cpu/pod/c1/cpu.cfs_quota_us': '10000\n',
    'sys/fs/cgroup/cpu/pod/c1/cpu.cfs_period_us': '100000\n',
  });
  assert.equal(cpuLimit(shadowed), 1.5);
});

test('a hybrid system: the cpu controller on v1, the unified hierarchy beside it; both read, the smaller wins', () => {
  const files = (v2: string): Record<string, string> => ({
    ...EIGHT_CPUS,
    // As this project's CI machine has it: cpu and cpuacct mounted apart, a mount point with a space.
    'proc/self/cgroup': '9:name=systemd:/\n2:cpuacct:/\n1:cpu:/job 7\n0::/job 7\n',
    'proc/self/mountinfo': [
      '33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct',
      '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
      '41 31 0:38 / /sys/fs/cgroup/unified\\040v2 rw,relatime - cgroup2 cgroup2 rw',
      '',
    ].join('\n'),
    'sys/fs/cgroup/cpu/job 7/cpu.cfs_quota_us': '300000\n',
    'sys/fs/cgroup/cpu/job 7/cpu.cfs_period_us': '100000\n',
    'sys/fs/cgroup/cpuacct/job 7/cpu.cfs_quota_us': '10000\n',
    'sys/fs/cgroup/cpuacct/job 7/cpu.cfs_period_us': '100000\n',
    ...(v2 ? { 'sys/fs/cgroup/unified v2/job 7/cpu.max': v2 } : { 'sys/fs/cgroup/unified v2/job 7/': '' }),
  });
  assert.equal(cpuLimit(fakeRoot(files(''))), 3);
  assert.equal(cpuLimit(fakeRoot(files('max 100000\n'))), 3);
  assert.equal(cpuLimit(fakeRoot(files('120000 100000\n'))), 1.2);
  assert.equal(cpuCount(fakeRoot(files('120000 100000\n'))), 2);
});

test('without a readable mountinfo, the usual mount points', () => {
  const v2 = fakeRoot({ ...EIGHT_CPUS, 'proc/self/cgroup': '0::/x\n', 'sys/fs/cgroup/x/cpu.max': '200000 100000\n' });
  assert.equal(cpuLimit(v2), 2);
  const v1 = fakeRoot({ ...EIGHT_CPUS, 'proc/self/cgroup': '3:cpu,cpuacct:/x\n', 'sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_quota_us': '400000', 'sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_period_us': '100000' });
  assert.equal(cpuLimit(v1), 4);
  const v1apart = fakeRoot({ ...EIGHT_CPUS, 'proc/self/cgroup': '3:cpu:/x\n', 'sys/fs/cgroup/cpu/x/cpu.cfs_quota_us': '400000', 'sys/fs/cgroup/cpu/x/cpu.cfs_period_us': '100000' });
  assert.equal(cpuLimit(v1apart), 4);
});

test('missing or garbage files mean no limit, never a throw', () => {
  const cases: Array<{ name: string; files: Record<string, string> }> = [
    { name: 'nothing at all', files: {} },
    { name: 'no /proc/self/cgroup', files: { 'proc/self/mountinfo': V2_MOUNT, 'sys/fs/cgroup/cpu.max': '100000 100000' } },
    { name: 'garbage cgroup file', files: { 'proc/self/cgroup': '\0\0garbage\n::\n:\n0:\n', 'proc/self/mountinfo': V2_MOUNT } },
    { name: 'garbage mountinfo', files: { 'proc/self/cgroup': '0::/x\n', 'proc/self/mountinfo': '- - -\nx y - cgroup2\n\n', 'sys/fs/cgroup/x/cpu.max': '100000 100000' } },
    { name: 'no cgroup2 mount', files: { 'proc/self/cgroup': '0::/x\n', 'proc/self/mountinfo': V1_MOUNTS, 'sys/fs/cgroup/x/cpu.max': '100000 100000' } },
    { name: 'no cpu.max anywhere', files: { 'proc/self/cgroup': '0::/x\n', 'proc/self/mountinfo': V2_MOUNT, 'sys/fs/cgroup/x/': '' } },
    ...['', 'max', '100000', '-5 100000', '100000 0', '0 100000', '1.5 1', 'lots of CPUs', '100000 100000 7', 'max max'].map((cpuMax) => (
      { name: `cpu.max "${cpuMax}"`, files: { 'proc/self/cgroup': '0::/x\n', 'proc/self/mountinfo': V2_MOUNT, 'sys/fs/cgroup/x/cpu.max': cpuMax } })),
    ...[['-1', '100000'], ['0', '100000'], ['100000', '0'], ['abc', '100000'], ['100000', ''], ['100000', '-100000']].map(([quota, period]) => (
      { name: `cfs ${quota}/${period}`, files: { 'proc/self/cgroup': V1_GROUPS('/x'), 'proc/self/mountinfo': V1_MOUNTS, 'sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_quota_us': quota!, 'sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_period_us': period! } })),
    { name: 'cfs period missing', files: { 'proc/self/cgroup': V1_GROUPS('/x'), 'proc/self/mountinfo': V1_MOUNTS, 'sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_quota_us': '100000' } },
  ];
  for (const c of cases) {
    const root = fakeRoot({ ...EIGHT_CPUS, ...c.files });
    assert.equal(cpuLimit(root), undefined, c.name);
    assert.equal(cpuCount(root), 8, c.name);
  }
  // A directory where a file should be is unreadable too.
  const dirs = fakeRoot({ ...EIGHT_CPUS, 'proc/self/cgroup/': '', 'proc/self/mountinfo/': '' });
  assert.equal(cpuLimit(dirs), undefined);
});

test('the CPUs to run on: the affinity list among the online CPUs, else os.availableParallelism()', () => {
  const status = (list: string): string => `Name:\tnode\nCpus_allowed_list:\t${list}\n`;
  const cases: Array<{ name: string; files: Record<string, string>; count: number }> = [
    { name: 'ranges', files: { 'proc/self/status': status('0-3,8-11') }, count: 8 },
    { name: 'one CPU (taskset -c 3)', files: { 'proc/self/status': status('3') }, count: 1 },
    { name: 'a mask naming every possible CPU', files: { 'proc/self/status': status('0-63'), 'sys/devices/system/cpu/online': '0-3\n' }, count: 4 },
    { name: 'online ones with a hole', files: { 'proc/self/status': status('0-7'), 'sys/devices/system/cpu/online': '0,2,4-5\n' }, count: 4 },
    { name: 'capped by a limit', files: { 'proc/self/status': status('0-15'), 'proc/self/cgroup': '0::/\n', 'proc/self/mountinfo': V2_MOUNT, 'sys/fs/cgroup/cpu.max': '450000 100000' }, count: 5 },
  ];
  for (const c of cases) assert.equal(cpuCount(fakeRoot(c.files)), c.count, c.name);
  // Unknown affinity: Node's count, which a limit still caps.
  for (const list of ['', 'ff', '3-1', '0-99999999', '1,,2']) {
    assert.equal(cpuCount(fakeRoot({ 'proc/self/status': status(list) })), availableParallelism(), list);
  }
  assert.equal(cpuCount(fakeRoot({ 'proc/self/cgroup': '0::/\n', 'proc/self/mountinfo': V2_MOUNT, 'sys/fs/cgroup/cpu.max': '50000 100000' })), 1);
});

test('DEFAULTS.workers is this process\'s count', () => {
  assert.equal(DEFAULTS.workers, cpuCount());
});

test('--help, docs/cli.md and docs/configuration.md say the default is the CPU count or the container\'s CPU limit', () => {
  const help = program().options.find((o) => o.long === '--workers')?.description ?? '';
  const row = (page: string, first: string): string => {
    const found = docTables(readDoc(page)).flatMap((t) => t.rows).find((r) => r[0] === first);
    assert.ok(found, `${page} has a row for ${first}`);
    return found[2] ?? '';
  };
  for (const [where, text] of [['--help', help], ['docs/cli.md', row('cli.md', '`-w, --workers`')], ['docs/configuration.md', row('configuration.md', '`workers`')]]) {
    assert.match(text!, /the CPU count/, where);
    assert.match(text!, /the container's CPU limit/, where);
  }
  assert.match(help, new RegExp(`default: ${DEFAULTS.workers},`));
});
