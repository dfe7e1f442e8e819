// A PM2 ecosystem file ({ apps: [...] }) as a portplex config: each cluster-mode app becomes a
// group named by its `name`. Fork-mode apps are refused (one process per app is a process
// manager's job), keys with no meaning under portplex are listed for one warning, and every bad
// value is named as `apps[i].key`.
import { existsSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { CODES, ConfigError, invalid, show } from '../errors.js';
import { count, environment, flag, instances, time, words } from './ecosystem-values.js';
import { parseSize } from './size.js';
import type { GroupInput, UserConfig } from './types.js';

export interface EcosystemOptions {
  /** CPUs for instances "max", 0 and negative counts. */
  readonly cpus: number;
  /** The directory relative paths resolve against (the file's). */
  readonly baseDir: string;
  /** `--env NAME`: each app's env_NAME is applied over its env, as `pm2 start --env NAME`. */
  readonly env?: string;
}

export interface Converted {
  readonly config: UserConfig;
  /** The keys portplex does not use, as `apps[i].key` (and top-level keys such as `deploy`). */
  readonly ignored: readonly string[];
}

/** An ecosystem file is an object with an `apps` key (portplex configs have none), or a list of apps as PM2's JSON process files may be. */
export function isEcosystem(value: unknown): boolean {
  return Array.isArray(value) || (value !== null && typeof value === 'object' && Object.hasOwn(value, 'apps'));
}

/** Per-app keys that become a group field. */
const GROUP_KEYS = new Set(['name', 'script', 'args', 'instances', 'exec_mode', 'node_args', 'interpreter_args', 'env', 'cwd', 'max_memory_restart', 'wait_ready', 'interpreter', 'exec_interpreter']);

/** Per-app keys that portplex has once for all groups: PM2 key -> portplex keys, and how the value is read. */
const MASTER_KEYS: Readonly<Record<string, { keys: ReadonlyArray<keyof UserConfig>; read: (v: unknown, option: string) => number }>> = {
  listen_timeout: { keys: ['readyTimeout'], read: (v, o) => positive(time(v, o), v, o) },
  kill_timeout: { keys: ['grace'], read: time },
  max_restarts: { keys: ['maxRestarts'], read: count },
  min_uptime: { keys: ['minUptime'], read: time },
  // A fixed delay: the doubling portplex does per crash is capped at the delay itself.
  restart_delay: { keys: ['restartDelay', 'restartDelayMax'], read: time },
  // Exponential, as portplex's restartDelay (PM2 caps it at 15 s, as restartDelayMax does).
  exp_backoff_restart_delay: { keys: ['restartDelay'], read: time },
};

/** Converts the ecosystem `value` (isEcosystem) into a portplex config. */
export function fromEcosystem(value: unknown, options: EcosystemOptions): Converted {
  const ignored: string[] = [];
  const apps = Array.isArray(value) ? value : (value as { apps: unknown }).apps;
  if (!Array.isArray(value)) ignored.push(...Object.keys(value as object).filter((k) => k !== 'apps'));
  if (!Array.isArray(apps) || apps.length === 0) throw invalid('apps', apps, 'a list of at least one app { name, script, instances, exec_mode: "cluster" }');
  const groups: Record<string, GroupInput> = {};
  const master = new MasterValues();
  const where = new Map<string, string>();
  let withEnv = 0;
  apps.forEach((app: unknown, i) => {
    const at = `apps[${i}]`;
    if (app === null || typeof app !== 'object' || Array.isArray(app)) throw invalid(at, app, 'an app object { name, script, ... }');
    const a = app as Record<string, unknown>;
    const { name, group } = toGroup(a, at, options);
    if (where.has(name)) throw invalid(`${at}.name`, name, `a name no other app has (${where.get(name)} is ${show(name)} too; each app is a portplex group)`);
    where.set(name, at);
    groups[name] = group;
    if (options.env !== undefined && Object.hasOwn(a, `env_${options.env}`)) withEnv++;
    for (const [key, v] of Object.entries(a)) {
      if (v === undefined || GROUP_KEYS.has(key) || key.startsWith('env_')) continue;
      if (Object.hasOwn(MASTER_KEYS, key)) master.set(key, v, `${at}.${key}`);
      else ignored.push(`${at}.${key}`);
    }
    if (isNodeInterpreter(a.interpreter ?? a.exec_interpreter) === 'other node') ignored.push(`${at}.${a.interpreter !== undefined ? 'interpreter' : 'exec_interpreter'}`);
  });
  if (options.env !== undefined && withEnv === 0) {
    throw new ConfigError(CODES.INVALID_OPTION, '--env', `no app has env_${options.env} (the apps are ${[...where.keys()].join(', ')})`);
  }
  return { config: { ...master.values, groups }, ignored };
}

/** One app's group: every check names `at.key`. */
function toGroup(a: Record<string, unknown>, at: string, options: EcosystemOptions): { name: string; group: GroupInput } {
  checkClusterMode(a, at);
  if (typeof a.script !== 'string' || a.script === '') throw invalid(`${at}.script`, a.script, 'the path of the app\'s Node.js script');
  const script = a.script;
  // PM2 names an app without a name after its script.
  const name = a.name === undefined ? basename(script, extname(script)) : a.name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw invalid(`${at}.name`, name, `a name of letters, digits, "-" or "_", up to 64 (it names the portplex group)${a.name === undefined ? '; the script\'s name is not one, give the app a name' : ''}`);
  }
  const group: GroupInput = { script, workers: a.instances === undefined ? 1 : instances(a.instances, `${at}.instances`, options.cpus) };
  if (a.cwd !== undefined) {
    if (typeof a.cwd !== 'string' || a.cwd === '') throw invalid(`${at}.cwd`, a.cwd, 'a directory');
    group.cwd = a.cwd;
  }
  const path = resolve(options.baseDir, group.cwd ?? '.', script);
  if (!existsSync(path) || !statSync(path).isFile()) {
    const command = !/[/.]/.test(script) ? `; portplex runs a Node.js script in each worker, not a command such as ${show(script)}: name the file it would start` : '';
    throw new ConfigError(CODES.SCRIPT_NOT_FOUND, `${at}.script`, `no such file: ${path} (from ${show(script)})${command}`);
  }
  if (a.args !== undefined) group.args = words(a.args, `${at}.args`);
  if (a.node_args !== undefined && a.interpreter_args !== undefined) {
    throw new ConfigError(CODES.INVALID_OPTION, `${at}.interpreter_args`, 'give node_args or interpreter_args, not both (they are the same: the workers\' Node.js options)');
  }
  const nodeArgs = a.node_args !== undefined ? 'node_args' : a.interpreter_args !== undefined ? 'interpreter_args' : undefined;
  if (nodeArgs !== undefined) group.execArgv = words(a[nodeArgs], `${at}.${nodeArgs}`);
  const env = a.env === undefined ? {} : environment(a.env, `${at}.env`);
  const chosen = options.env === undefined ? undefined : `env_${options.env}`;
  if (chosen !== undefined && a[chosen] !== undefined) Object.assign(env, environment(a[chosen], `${at}.${chosen}`));
  if (Object.keys(env).length > 0) group.env = env;
  if (a.max_memory_restart !== undefined) group.maxMemory = parseSize(a.max_memory_restart, `${at}.max_memory_restart`);
  if (a.wait_ready !== undefined) group.waitReady = flag(a.wait_ready, `${at}.wait_ready`);
  return { name, group };
}

/**
 * As PM2 decides: exec_mode "cluster" (or "cluster_mode"); without exec_mode, cluster when
 * `instances` is given and the interpreter is Node.js, else fork. Fork mode is refused.
 */
function checkClusterMode(a: Record<string, unknown>, at: string): void {
  const interpreterKey = a.interpreter !== undefined ? 'interpreter' : 'exec_interpreter';
  if (isNodeInterpreter(a[interpreterKey]) === 'no') {
    throw new ConfigError(CODES.FORK_MODE, `${at}.${interpreterKey}`, `${show(a[interpreterKey])}: ${label(a)} runs under another interpreter; portplex forks Node.js workers (with the Node.js that runs it)`);
  }
  const mode = a.exec_mode;
  if (mode === 'cluster' || mode === 'cluster_mode') return;
  if (mode === 'fork' || mode === 'fork_mode') throw forkMode(a, at, `exec_mode ${show(mode)}`);
  if (mode !== undefined) throw invalid(`${at}.exec_mode`, mode, '"cluster" (or "fork", which portplex does not run)');
  if (a.instances === undefined) throw forkMode(a, at, 'no exec_mode and no instances: PM2 runs it in fork mode');
}

function forkMode(a: Record<string, unknown>, at: string, why: string): ConfigError {
  return new ConfigError(CODES.FORK_MODE, `${at}.exec_mode`, `${label(a)} is a fork-mode app (${why}). portplex serves cluster-mode apps: ` +
    'many Node.js workers sharing the ports they listen on. One process per app is a process manager\'s job (systemd, or PM2 itself); ' +
    'to run this app here, set exec_mode: "cluster" and instances');
}

function label(a: Record<string, unknown>): string {
  return typeof a.name === 'string' ? `app ${show(a.name)}` : typeof a.script === 'string' ? `the app of ${show(a.script)}` : 'the app';
}

/** 'yes' for none or "node", 'other node' for another Node.js binary (ignored: portplex's own runs the workers), 'no' for anything else. */
function isNodeInterpreter(value: unknown): 'yes' | 'other node' | 'no' {
  if (value === undefined || value === 'node') return 'yes';
  if (typeof value === 'string' && /^node(js)?$/.test(basename(value))) return 'other node';
  return 'no';
}

function positive(n: number, value: unknown, option: string): number {
  if (n < 1) throw invalid(option, value, 'at least 1 ms');
  return n;
}

/** The values portplex keeps once for the whole master: apps that set one must agree. */
class MasterValues {
  readonly values: Partial<UserConfig> = {};
  private readonly from = new Map<string, { option: string; value: number; raw: unknown }>();

  set(key: string, raw: unknown, option: string): void {
    const spec = MASTER_KEYS[key]!;
    const value = spec.read(raw, option);
    for (const k of spec.keys) {
      const before = this.from.get(k);
      if (before !== undefined && before.value !== value) {
        throw new ConfigError(CODES.INVALID_OPTION, option, `${show(raw)} differs from ${before.option} (${show(before.raw)}): portplex has one ${k} for all its groups; give the apps the same value, or set it on one app only`);
      }
      this.from.set(k, { option, value, raw });
      (this.values as Record<string, number>)[k] = value;
    }
  }
}
