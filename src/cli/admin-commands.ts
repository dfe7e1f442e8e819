// `portplex status`, `connections`, `drain`... : ask a running master over its admin socket.
import { hostPort } from '../address.js';
import { Command } from 'commander';
import { defaultAdminPath } from '../admin/socket-path.js';
import type { ListenerInfo, WorkerInfo } from '../master/master.js';
import type { ReloadResult } from '../supervisor/supervisor.js';
import { ask } from '../admin/ask.js';
import { duration, rate, recycles, size } from '../status-text.js';
import { CONNECTIONS, RELOAD, SCALE, STATUS, UPGRADE, WEIGHT } from '../admin/answer-shapes.js';
import { addEventsCommand } from './events-command.js';
import { wholeNumber } from './options.js';
import { addTopCommand } from './top-command.js';

interface StatusResult {
  version: string;
  pid: number;
  state: string;
  uptimeMs: number;
  listeners: ListenerInfo[];
  workers: WorkerInfo[];
  table: { records: number };
}

interface ConnectionsResult {
  total: number;
  records: Array<{ protocol: string; state: string; clientAddress: string; clientPort: number; cluster: string; worker: number; pid: number; ageMs: number; idleMs: number }>;
}

/** Adds the admin subcommands to `program`; `run` receives each command's promise. */
export function addAdminCommands(program: Command, run: (work: Promise<void>) => void): void {
  program
    .command('status')
    .description('listeners, algorithm and workers of a running master')
    .option('--admin <path>', 'admin socket of the master', defaultAdminPath())
    .option('--json', 'machine-readable output')
    .exitOverride()
    .action((opts: { admin: string; json?: boolean }) => run(statusCommand(opts)));
  addTopCommand(program, run);
  program
    .command('connections')
    .description('the connection record table of a running master (like ipvsadm -L -c)')
    .option('--admin <path>', 'admin socket of the master', defaultAdminPath())
    .option('--worker <id>', 'only this worker\'s connections', wholeNumber(1))
    .option('--state <state>', 'only queued, handing-over or established')
    .option('--protocol <tcp|udp>', 'only TCP connections or only UDP flows')
    .option('--client <address>', 'only connections from this client address')
    .option('--limit <n>', 'at most this many records', wholeNumber(1))
    .option('--json', 'machine-readable output')
    .exitOverride()
    .action((opts: ConnectionsOptions) => run(connectionsCommand(opts)));
  addEventsCommand(program, run);
  addWeightCommands(program, run);
  program
    .command('scale')
    .description('run this many workers in a group: new ones start, removed ones drain and stop')
    .argument('<n>', 'workers', wholeNumber(1))
    .option('--group <name>', 'the group (default: the first)')
    .option('--admin <path>', 'admin socket of the master', defaultAdminPath())
    .option('--json', 'machine-readable output')
    .exitOverride()
    .action((n: number, opts: { admin: string; group?: string; json?: boolean }) => run(scaleCommand(opts, n)));
  program
    .command('reload')
    .description('zero-downtime rolling restart, one worker at a time (same as SIGHUP to the master)')
    .option('--admin <path>', 'admin socket of the master', defaultAdminPath())
    .option('--json', 'machine-readable output')
    .exitOverride()
    .action((opts: { admin: string; json?: boolean }) => run(reloadCommand(opts)));
  program
    .command('upgrade')
    .description('a new master (same command line: new portplex code, config file read again) takes over the listening sockets; the old one drains (same as SIGUSR2 to the master)')
    .option('--admin <path>', 'admin socket of the master', defaultAdminPath())
    .option('--json', 'machine-readable output')
    .exitOverride()
    .action((opts: { admin: string; json?: boolean }) => run(upgradeCommand(opts)));
  // A usage error points at the command's own help, not the whole of it.
  for (const c of program.commands) c.showHelpAfterError(`(portplex ${c.name()} --help lists its options)`);
}

async function upgradeCommand(opts: { admin: string; json?: boolean }): Promise<void> {
  const r = (await ask(opts.admin, { cmd: 'upgrade' }, UPGRADE, 24 * 3600 * 1000)) as { pid: number; previous: number };
  if (opts.json) print(JSON.stringify(r, null, 2));
  else print(`upgraded: master pid ${r.pid} serves now; the old master (pid ${r.previous}) drains its workers and exits`);
}

async function scaleCommand(opts: { admin: string; group?: string; json?: boolean }, workers: number): Promise<void> {
  const list = (await ask(opts.admin, { cmd: 'scale', workers, group: opts.group }, SCALE)) as WorkerInfo[];
  if (opts.json) return print(JSON.stringify(list, null, 2));
  print(`${list.length} worker${list.length === 1 ? '' : 's'}: ${list.map((w) => `${w.id} (${w.state})`).join(', ')}; removed workers finish their connections`);
}

async function reloadCommand(opts: { admin: string; json?: boolean }): Promise<void> {
  const r = (await ask(opts.admin, { cmd: 'reload' }, RELOAD, 24 * 3600 * 1000)) as ReloadResult;
  if (opts.json) print(JSON.stringify(r, null, 2));
  else print(`reloaded worker${r.replaced.length === 1 ? '' : 's'} ${r.replaced.join(', ') || 'none'}${r.failed ? `; worker ${r.failed.worker} kept its old process: ${r.failed.reason}` : ''}`);
  if (r.failed) process.exitCode = 1;
}

function addWeightCommands(program: Command, run: (work: Promise<void>) => void): void {
  for (const [name, description] of [['drain', 'no new connections for a worker (weight 0); existing ones go on'], ['undrain', 'give a drained worker its configured weight back']] as const) {
    program
      .command(name)
      .description(description)
      .argument('<worker>', 'worker id', wholeNumber(1))
      .option('--admin <path>', 'admin socket of the master', defaultAdminPath())
      .option('--json', 'machine-readable output')
      .exitOverride()
      .action((worker: number, opts: { admin: string; json?: boolean }) => run(weightCommand(opts, { cmd: name, worker })));
  }
  program
    .command('weight')
    .description('set a worker\'s weight (0 drains it), as ipvsadm -e -w does')
    .argument('<worker>', 'worker id', wholeNumber(1))
    .argument('<n>', 'weight 0-65535', wholeNumber(0))
    .option('--admin <path>', 'admin socket of the master', defaultAdminPath())
    .option('--json', 'machine-readable output')
    .exitOverride()
    .action((worker: number, weight: number, opts: { admin: string; json?: boolean }) => run(weightCommand(opts, { cmd: 'weight', worker, weight })));
}

async function weightCommand(opts: { admin: string; json?: boolean }, request: { cmd: string; worker: number; weight?: number }): Promise<void> {
  const w = (await ask(opts.admin, request, WEIGHT)) as WorkerInfo;
  if (opts.json) return print(JSON.stringify(w, null, 2));
  print(`worker ${w.id} (pid ${w.pid}): weight ${w.weight}${w.weight === 0 ? ', draining' : ''}, ${w.active} active`);
}

/** Where a listener's socket came from, when not bound by the master itself. */
function originText(l: ListenerInfo): string {
  if (l.origin === 'systemd') return `  from systemd${l.fdName !== undefined ? ` (${l.fdName})` : ''}`;
  return l.origin === 'upgrade' ? '  from the old master' : '';
}

async function statusCommand(opts: { admin: string; json?: boolean }): Promise<void> {
  const s = (await ask(opts.admin, { cmd: 'status' }, STATUS)) as StatusResult;
  if (opts.json) return print(JSON.stringify(s, null, 2));
  const lines = [`portplex ${s.version}, master pid ${s.pid}, ${s.state}, up ${duration(s.uptimeMs)}, ${s.table.records} connection record${s.table.records === 1 ? '' : 's'}`];
  for (const l of s.listeners) lines.push(`listener ${l.index}  ${l.protocol ?? 'tcp'} ${hostPort(l.address, l.port, l.family)}  group ${l.group}  ${l.mode === 'direct' ? 'direct' : l.algorithm}${l.onDemand ? '  (asked by the app)' : ''}${originText(l)}${l.closed ? '  closed' : ''}`);
  // Recycles are shown once there are any: most masters never set a limit.
  const recycled = s.workers.some((w) => w.recycles != null && Object.values(w.recycles).some((n) => n > 0));
  lines.push(table(
    ['worker', 'group', 'pid', 'state', 'health', 'weight', 'active', 'conn/s', 'total', 'cpu', 'mem', 'heap', 'loop', 'restarts', ...(recycled ? ['recycled'] : []), 'uptime'],
    s.workers.map((w) => [
      w.id, w.group, w.pid, w.state, w.healthy ? 'up' : 'DOWN', w.weight, w.active, rate(w.connectionsPerSecond), w.handedOver + (w.accepted ?? 0),
      w.cpuPercent == null ? '-' : `${w.cpuPercent.toFixed(1)}%`, size(w.rssBytes), size(w.heapUsedBytes), `${w.loopDelayMs}ms`, w.restarts,
      ...(recycled ? [recycles(w.recycles)] : []), duration(w.uptimeMs),
    ]),
  ));
  print(lines.join('\n'));
}

interface ConnectionsOptions { admin: string; worker?: number; state?: string; protocol?: string; client?: string; limit?: number; json?: boolean }

async function connectionsCommand(opts: ConnectionsOptions): Promise<void> {
  const r = (await ask(opts.admin, { cmd: 'connections', worker: opts.worker, state: opts.state, protocol: opts.protocol, client: opts.client, limit: opts.limit }, CONNECTIONS)) as ConnectionsResult;
  if (opts.json) return print(JSON.stringify(r, null, 2));
  // Idle time means something for UDP flows only (they expire when idle): shown when any is listed.
  const idle = r.records.some((c) => c.protocol === 'udp');
  print(table(
    ['pro', 'state', 'client', 'cluster', 'worker', 'pid', 'age', ...(idle ? ['idle'] : [])],
    r.records.map((c) => [
      c.protocol.toUpperCase(), c.state, hostPort(c.clientAddress, c.clientPort), c.cluster, c.worker < 0 ? '-' : c.worker, c.pid || '-', duration(c.ageMs),
      ...(idle ? [c.protocol === 'udp' ? duration(c.idleMs) : '-'] : []),
    ]),
  ) + `\n${r.records.length} of ${r.total} records`);
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
