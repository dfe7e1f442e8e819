// Validates a user configuration once and returns it frozen; every error names the option and value.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ALGORITHMS } from '../balancers/index.js';
import { CODES, ConfigError, invalid, show } from '../errors.js';
import { DEFAULTS } from './defaults.js';
import { listenKey, parseListen } from './listen-address.js';
import type { Config, ContentConfig, GroupConfig, GroupInput, ListenerConfig, UserConfig } from './types.js';

const GROUP_KEYS = ['script', 'args', 'env', 'cwd', 'execArgv', 'workers', 'algorithm', 'weights', 'maxConnections'];
const TOP_KEYS = [
  ...GROUP_KEYS, 'listen', 'listeners', 'groups', 'queueSize', 'queueTimeout', 'handoffTimeout', 'handoffWindow', 'maxHandoffs',
  'grace', 'readyTimeout', 'restartDelay', 'restartDelayMax', 'minUptime', 'maxRestarts', 'backlog', 'sweepInterval', 'healthInterval', 'rise', 'fall', 'maxEventLoopDelay', 'unhealthyTimeout',
  'udpTimeout', 'udpMaxFlows', 'udpMaxDatagram', 'udpWorkerQueue',
];
/** The largest UDP payload over IPv4 (65535 - 8 UDP - 20 IP header bytes). */
const MAX_UDP_PAYLOAD = 65507;
const DEFAULT_GROUP = 'default';

/** Validates `input` (config file merged with flags, or the API's object) into a frozen Config. */
export function validateConfig(input: UserConfig, baseDir: string = process.cwd()): Config {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalid('config', input, 'an object');
  checkKeys(input, TOP_KEYS, '');

  const groups = resolveGroups(input, baseDir);
  const udpTimeout = int(input.udpTimeout, 'udpTimeout', DEFAULTS.udpTimeout, 1, 24 * 3600 * 1000);
  const listeners = resolveListeners(input, groups, udpTimeout);
  const config: Config = {
    groups,
    listeners,
    queueSize: int(input.queueSize, 'queueSize', DEFAULTS.queueSize, 0),
    queueTimeout: int(input.queueTimeout, 'queueTimeout', DEFAULTS.queueTimeout, 1),
    handoffTimeout: int(input.handoffTimeout, 'handoffTimeout', DEFAULTS.handoffTimeout, 10),
    handoffWindow: int(input.handoffWindow, 'handoffWindow', DEFAULTS.handoffWindow, 1, 64),
    maxHandoffs: int(input.maxHandoffs, 'maxHandoffs', DEFAULTS.maxHandoffs, 1),
    grace: int(input.grace, 'grace', DEFAULTS.grace, 0),
    readyTimeout: int(input.readyTimeout, 'readyTimeout', DEFAULTS.readyTimeout, 1),
    restartDelay: int(input.restartDelay, 'restartDelay', DEFAULTS.restartDelay, 0),
    restartDelayMax: int(input.restartDelayMax, 'restartDelayMax', DEFAULTS.restartDelayMax, 0),
    minUptime: int(input.minUptime, 'minUptime', DEFAULTS.minUptime, 0),
    maxRestarts: int(input.maxRestarts, 'maxRestarts', DEFAULTS.maxRestarts, 0),
    backlog: int(input.backlog, 'backlog', DEFAULTS.backlog, 1),
    sweepInterval: int(input.sweepInterval, 'sweepInterval', DEFAULTS.sweepInterval, 100),
    healthInterval: int(input.healthInterval, 'healthInterval', DEFAULTS.healthInterval, 0),
    rise: int(input.rise, 'rise', DEFAULTS.rise, 1),
    fall: int(input.fall, 'fall', DEFAULTS.fall, 1),
    maxEventLoopDelay: int(input.maxEventLoopDelay, 'maxEventLoopDelay', DEFAULTS.maxEventLoopDelay, 1),
    unhealthyTimeout: int(input.unhealthyTimeout, 'unhealthyTimeout', DEFAULTS.unhealthyTimeout, 0),
    udpTimeout,
    udpMaxFlows: int(input.udpMaxFlows, 'udpMaxFlows', DEFAULTS.udpMaxFlows, 1, 1 << 24),
    udpMaxDatagram: int(input.udpMaxDatagram, 'udpMaxDatagram', DEFAULTS.udpMaxDatagram, 1, MAX_UDP_PAYLOAD),
    udpWorkerQueue: int(input.udpWorkerQueue, 'udpWorkerQueue', DEFAULTS.udpWorkerQueue, 1, 1 << 20),
  };
  return deepFreeze(config);
}

function resolveGroups(input: UserConfig, baseDir: string): GroupConfig[] {
  if (input.groups === undefined) return [resolveGroup(DEFAULT_GROUP, input, {}, baseDir, '')];
  if (input.groups === null || typeof input.groups !== 'object' || Array.isArray(input.groups)) {
    throw invalid('groups', input.groups, 'an object of named groups');
  }
  const names = Object.keys(input.groups);
  if (names.length === 0) throw invalid('groups', input.groups, 'at least one group');
  // Top-level group fields are defaults every named group inherits.
  return names.map((name) => {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw invalid(`groups.${name}`, name, 'a name of letters, digits, "-" or "_"');
    const own = input.groups![name];
    if (own === null || typeof own !== 'object' || Array.isArray(own)) throw invalid(`groups.${name}`, own, 'an object');
    checkKeys(own, GROUP_KEYS, `groups.${name}.`);
    return resolveGroup(name, own, input, baseDir, `groups.${name}.`);
  });
}

function resolveGroup(name: string, own: GroupInput, inherited: GroupInput, baseDir: string, prefix: string): GroupConfig {
  const pick = <K extends keyof GroupInput>(k: K): GroupInput[K] => (own[k] !== undefined ? own[k] : inherited[k]);
  const script = pick('script');
  if (typeof script !== 'string' || script === '') throw invalid(`${prefix}script`, script, 'the path of the worker script');
  const cwd = resolve(baseDir, str(pick('cwd'), `${prefix}cwd`, '.'));
  const scriptPath = resolve(cwd, script);
  if (!existsSync(scriptPath) || !statSync(scriptPath).isFile()) {
    throw new ConfigError(CODES.SCRIPT_NOT_FOUND, `${prefix}script`, `no such file: ${scriptPath} (from ${show(script)})`);
  }
  const workers = int(pick('workers'), `${prefix}workers`, DEFAULTS.workers, 1, 1024);
  const algorithm = pick('algorithm') ?? DEFAULTS.algorithm;
  if (typeof algorithm !== 'function' && !(ALGORITHMS as readonly string[]).includes(algorithm as string)) {
    throw new ConfigError(CODES.UNKNOWN_ALGORITHM, `${prefix}algorithm`, `unknown algorithm ${show(algorithm)}; expected one of ${ALGORITHMS.join(', ')}`);
  }
  const weights = resolveWeights(pick('weights'), workers, `${prefix}weights`);
  return {
    name,
    script: scriptPath,
    args: strings(pick('args'), `${prefix}args`),
    env: env(pick('env'), `${prefix}env`),
    cwd,
    execArgv: strings(pick('execArgv'), `${prefix}execArgv`),
    workers,
    algorithm,
    weights,
    maxConnections: int(pick('maxConnections'), `${prefix}maxConnections`, DEFAULTS.maxConnections, 0),
  };
}

function resolveWeights(value: unknown, workers: number, option: string): number[] {
  if (value === undefined) return new Array<number>(workers).fill(1);
  if (!Array.isArray(value)) throw invalid(option, value, `a list of ${workers} weights`);
  if (value.length !== workers) {
    throw new ConfigError(CODES.WEIGHTS_MISMATCH, option, `${value.length} weights given for ${workers} workers (${show(value)}); give one weight per worker`);
  }
  value.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 0 || w > 65535) throw invalid(`${option}[${i}]`, w, 'an integer weight 0-65535');
  });
  if (value.every((w) => w === 0)) throw invalid(option, value, 'at least one weight above 0');
  return value.slice();
}

function resolveListeners(input: UserConfig, groups: GroupConfig[], udpTimeout: number): ListenerConfig[] {
  const entries: Array<{ listen: unknown; group: unknown; option: string; content?: unknown; udpTimeout?: unknown }> = [];
  if (input.listen !== undefined) {
    const list = Array.isArray(input.listen) ? input.listen : [input.listen];
    list.forEach((l, i) => entries.push({ listen: l, group: groups[0].name, option: Array.isArray(input.listen) ? `listen[${i}]` : 'listen' }));
  }
  if (input.listeners !== undefined) {
    if (!Array.isArray(input.listeners)) throw invalid('listeners', input.listeners, 'a list of { listen, group }');
    input.listeners.forEach((l, i) => {
      if (l === null || typeof l !== 'object') throw invalid(`listeners[${i}]`, l, 'an object { listen, group }');
      checkKeys(l, ['listen', 'group', 'content', 'udpTimeout'], `listeners[${i}].`);
      entries.push({ listen: l.listen, group: l.group ?? groups[0].name, option: `listeners[${i}]`, content: l.content, udpTimeout: l.udpTimeout });
    });
  }
  if (entries.length === 0) throw invalid('listen', undefined, 'at least one address to listen on (e.g. --listen 8080)');
  const seen = new Map<string, string>();
  return entries.map((e, index) => {
    const address = parseListen(e.listen, e.option);
    const key = listenKey(address);
    if (address.port !== 0 && seen.has(key)) {
      throw new ConfigError(CODES.DUPLICATE_LISTENER, e.option, `${show(e.listen)} is already a listener (${seen.get(key)})`);
    }
    seen.set(key, e.option);
    if (typeof e.group !== 'string' || !groups.some((g) => g.name === e.group)) {
      throw new ConfigError(CODES.UNKNOWN_GROUP, `${e.option}.group`, `unknown group ${show(e.group)}; groups are ${groups.map((g) => g.name).join(', ')}`);
    }
    const udp = address.protocol === 'udp';
    // Datagrams have no stream to peek at, and TCP connections have no idle flows to expire.
    if (udp && e.content !== undefined) throw invalid(`${e.option}.content`, e.content, 'no content step on a udp listener (content-aware hand-over reads TCP streams)');
    if (!udp && e.udpTimeout !== undefined) throw invalid(`${e.option}.udpTimeout`, e.udpTimeout, `a udp listener for udpTimeout (${show(e.listen)} is tcp)`);
    const content = e.content === undefined ? undefined : resolveContent(e.content, `${e.option}.content`);
    const flowTimeout = udp ? int(e.udpTimeout, `${e.option}.udpTimeout`, udpTimeout, 1, 24 * 3600 * 1000) : 0;
    return { index, protocol: address.protocol, host: address.host, port: address.port, group: e.group, content, udpTimeout: flowTimeout };
  });
}

function resolveContent(value: unknown, option: string): ContentConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(option, value, 'an object { protocol, maxBytes, timeout }');
  checkKeys(value, ['protocol', 'proxy', 'maxBytes', 'timeout'], `${option}.`);
  const c = value as Record<string, unknown>;
  if (c.protocol !== undefined && c.protocol !== 'http' && c.protocol !== 'tls') throw invalid(`${option}.protocol`, c.protocol, '"http" or "tls"');
  if (c.proxy !== undefined && c.proxy !== 'v1' && c.proxy !== 'v2' && c.proxy !== 'any') throw invalid(`${option}.proxy`, c.proxy, '"v1", "v2" or "any"');
  if (c.protocol === undefined && c.proxy === undefined) throw invalid(option, value, 'a protocol to parse ("http" or "tls") or a PROXY header to expect');
  return {
    protocol: c.protocol as 'http' | 'tls' | undefined,
    proxy: c.proxy as 'v1' | 'v2' | 'any' | undefined,
    maxBytes: int(c.maxBytes, `${option}.maxBytes`, 16384, 64, 1024 * 1024),
    timeout: int(c.timeout, `${option}.timeout`, 5000, 1, 600000),
  };
}

function checkKeys(obj: object, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(CODES.UNKNOWN_OPTION, `${prefix}${key}`, `unknown option; expected one of ${allowed.join(', ')}`);
    }
  }
}

function int(value: unknown, option: string, fallback: number, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(option, value, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer ${min}-${max}`);
  }
  return value;
}

function str(value: unknown, option: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw invalid(option, value, 'a string');
  return value;
}

function strings(value: unknown, option: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalid(option, value, 'a list of strings');
  return value.slice();
}

function env(value: unknown, option: string): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(option, value, 'an object of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalid(`${option}.${k}`, v, 'a string');
    out[k] = v;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
