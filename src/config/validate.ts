// Validates a user configuration once and returns it frozen; every error names the option and value.
import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { ALGORITHMS } from '../balancers/index.js';
import { CODES, ConfigError, invalid, show } from '../errors.js';
import { describeSocket, everyAddress, matchActivated, systemdName, type ActivatedSocket, type ListenTarget } from './activated.js';
import { env, int, oneOf, str, strings } from './checks.js';
import { DEFAULTS } from './defaults.js';
import { listenKey, parseListen, type ListenAddress } from './listen-address.js';
import { Problems } from './problems.js';
import { parseSize } from './size.js';
import { typeScriptProblem } from './typescript.js';
import { unknownKeys } from './unknown-keys.js';
import type { Config, GroupConfig, GroupInput, ListenerConfig, UserConfig } from './types.js';
import { resolveContent } from './validate-content.js';

/** The largest UDP payload over IPv4 (65535 - 8 UDP - 20 IP header bytes). */
const MAX_UDP_PAYLOAD = 65507;
const DEFAULT_GROUP = 'default';

/**
 * Validates `input` (config file merged with flags, or the API's object) into a frozen Config.
 * `activated`: the sockets systemd passed (socket activation, in fd order); listeners take them
 * instead of binding (ListenerConfig.activated), and those none takes become listeners too.
 */
export function validateConfig(input: UserConfig, baseDir: string = process.cwd(), activated: readonly ActivatedSocket[] = []): Config {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalid('config', input, 'an object');
  // Every problem is reported at once: all unknown keys, then each value that is wrong. A value
  // checked against another (weights against workers, listeners against groups) is checked
  // only when that one is valid, so the report holds no follow-on errors.
  const p = new Problems();
  for (const e of unknownKeys(input)) p.add(e);
  const known = p.count;
  const groups = resolveGroups(input, baseDir, p) ?? p.throwAll();
  // A jitter is checked against its limit: only against valid limits.
  if (p.count === known) p.take(() => checkJitters(input, groups), undefined);
  const udpTimeout = p.int(input.udpTimeout, 'udpTimeout', DEFAULTS.udpTimeout, 1, 24 * 3600 * 1000);
  const listeners = p.take(() => resolveListeners(input, groups, udpTimeout, activated), []);
  const config: Config = {
    groups,
    listeners,
    queueSize: p.int(input.queueSize, 'queueSize', DEFAULTS.queueSize, 0),
    queueTimeout: p.int(input.queueTimeout, 'queueTimeout', DEFAULTS.queueTimeout, 1),
    maxPrereading: p.int(input.maxPrereading, 'maxPrereading', DEFAULTS.maxPrereading, 0),
    handoffTimeout: p.int(input.handoffTimeout, 'handoffTimeout', DEFAULTS.handoffTimeout, 10),
    handoffWindow: p.int(input.handoffWindow, 'handoffWindow', DEFAULTS.handoffWindow, 1, 1024),
    maxHandoffs: p.int(input.maxHandoffs, 'maxHandoffs', DEFAULTS.maxHandoffs, 1),
    grace: p.int(input.grace, 'grace', DEFAULTS.grace, 0),
    shutdownDelay: p.int(input.shutdownDelay, 'shutdownDelay', DEFAULTS.shutdownDelay, 0, 3600 * 1000),
    readyTimeout: p.int(input.readyTimeout, 'readyTimeout', DEFAULTS.readyTimeout, 1),
    restartDelay: p.int(input.restartDelay, 'restartDelay', DEFAULTS.restartDelay, 0),
    restartDelayMax: p.int(input.restartDelayMax, 'restartDelayMax', DEFAULTS.restartDelayMax, 0),
    minUptime: p.int(input.minUptime, 'minUptime', DEFAULTS.minUptime, 0),
    maxRestarts: p.int(input.maxRestarts, 'maxRestarts', DEFAULTS.maxRestarts, 0),
    backlog: p.int(input.backlog, 'backlog', DEFAULTS.backlog, 1),
    sweepInterval: p.int(input.sweepInterval, 'sweepInterval', DEFAULTS.sweepInterval, 100),
    healthInterval: p.int(input.healthInterval, 'healthInterval', DEFAULTS.healthInterval, 0),
    rise: p.int(input.rise, 'rise', DEFAULTS.rise, 1),
    fall: p.int(input.fall, 'fall', DEFAULTS.fall, 1),
    maxEventLoopDelay: p.int(input.maxEventLoopDelay, 'maxEventLoopDelay', DEFAULTS.maxEventLoopDelay, 1),
    unhealthyTimeout: p.int(input.unhealthyTimeout, 'unhealthyTimeout', DEFAULTS.unhealthyTimeout, 0),
    udpTimeout,
    udpMaxFlows: p.int(input.udpMaxFlows, 'udpMaxFlows', DEFAULTS.udpMaxFlows, 1, 1 << 24),
    udpMaxDatagram: p.int(input.udpMaxDatagram, 'udpMaxDatagram', DEFAULTS.udpMaxDatagram, 1, MAX_UDP_PAYLOAD),
    udpWorkerQueue: p.int(input.udpWorkerQueue, 'udpWorkerQueue', DEFAULTS.udpWorkerQueue, 1, 1 << 20),
    ownPorts: p.take(() => resolveOwnPorts(input.ownPorts, listeners), []),
    stickySessions: p.int(input.stickySessions, 'stickySessions', DEFAULTS.stickySessions, 1, 1 << 24),
    stickyTimeout: p.int(input.stickyTimeout, 'stickyTimeout', DEFAULTS.stickyTimeout, 1000),
    logPrefix: p.bool(input.logPrefix, 'logPrefix', DEFAULTS.logPrefix),
    logFormat: p.oneOf(input.logFormat, 'logFormat', ['text', 'json'] as const, DEFAULTS.logFormat),
    logMaxLine: p.int(input.logMaxLine, 'logMaxLine', DEFAULTS.logMaxLine, 256, 1 << 20),
  };
  p.throwIfAny();
  return deepFreeze(config);
}

/** The groups, each resolved as far as it can be (its problems kept in `p`); undefined when `groups` itself is wrong. */
function resolveGroups(input: UserConfig, baseDir: string, p: Problems): GroupConfig[] | undefined {
  if (input.groups === undefined) return [resolveGroup(DEFAULT_GROUP, input, {}, baseDir, '', p)];
  if (input.groups === null || typeof input.groups !== 'object' || Array.isArray(input.groups)) {
    p.add(invalid('groups', input.groups, 'an object of named groups'));
    return undefined;
  }
  const names = Object.keys(input.groups);
  if (names.length === 0) {
    p.add(invalid('groups', input.groups, 'at least one group'));
    return undefined;
  }
  // Top-level group fields are defaults every named group inherits.
  const groups: GroupConfig[] = [];
  for (const name of names) {
    const own = input.groups[name];
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) p.add(invalid(`groups.${name}`, name, 'a name of letters, digits, "-" or "_"'));
    else if (own === null || typeof own !== 'object' || Array.isArray(own)) p.add(invalid(`groups.${name}`, own, 'an object'));
    else groups.push(resolveGroup(name, own, input, baseDir, `groups.${name}.`, p));
  }
  return groups.length === names.length ? groups : undefined;
}

function resolveGroup(name: string, own: GroupInput, inherited: GroupInput, baseDir: string, prefix: string, p: Problems): GroupConfig {
  const pick = <K extends keyof GroupInput>(k: K): GroupInput[K] => (own[k] !== undefined ? own[k] : inherited[k]);
  const cwd = resolve(baseDir, p.take(() => str(pick('cwd'), `${prefix}cwd`, '.'), '.'));
  const execArgv = p.take(() => strings(pick('execArgv'), `${prefix}execArgv`), []);
  const env_ = p.take(() => env(pick('env'), `${prefix}env`), {});
  const scriptPath = p.take(() => resolveScript(pick('script'), cwd, `${prefix}script`, execArgv, env_), cwd);
  const before = p.count;
  const workers = p.int(pick('workers'), `${prefix}workers`, DEFAULTS.workers, 1, 1024);
  const algorithm = pick('algorithm') ?? DEFAULTS.algorithm;
  if (typeof algorithm !== 'function' && !(ALGORITHMS as readonly string[]).includes(algorithm as string)) {
    p.add(new ConfigError(CODES.UNKNOWN_ALGORITHM, `${prefix}algorithm`, `unknown algorithm ${show(algorithm)}; expected one of ${ALGORITHMS.join(', ')}`));
  }
  // Weights are counted against the workers: only against a valid count.
  const weights = p.count === before ? p.take(() => resolveWeights(pick('weights'), workers, `${prefix}weights`), []) : [];
  return {
    name,
    script: scriptPath,
    args: p.take(() => strings(pick('args'), `${prefix}args`), []),
    env: env_,
    cwd,
    execArgv,
    workers,
    algorithm,
    weights,
    maxConnections: p.int(pick('maxConnections'), `${prefix}maxConnections`, DEFAULTS.maxConnections, 0),
    maxMemory: p.take(() => parseSize(pick('maxMemory'), `${prefix}maxMemory`), 0),
    maxConnectionsServed: p.int(pick('maxConnectionsServed'), `${prefix}maxConnectionsServed`, DEFAULTS.maxConnectionsServed, 0),
    waitReady: p.bool(pick('waitReady'), `${prefix}waitReady`, DEFAULTS.waitReady),
    maxRequests: p.int(pick('maxRequests'), `${prefix}maxRequests`, DEFAULTS.maxRequests, 0),
    maxRequestsJitter: p.int(pick('maxRequestsJitter'), `${prefix}maxRequestsJitter`, DEFAULTS.maxRequestsJitter, 0),
    maxLifetime: p.int(pick('maxLifetime'), `${prefix}maxLifetime`, DEFAULTS.maxLifetime, 0),
    maxLifetimeJitter: p.int(pick('maxLifetimeJitter'), `${prefix}maxLifetimeJitter`, DEFAULTS.maxLifetimeJitter, 0),
  };
}

/** The script's full path: a file, and one this Node can run with the group's options (typescript.ts). */
function resolveScript(script: unknown, cwd: string, option: string, execArgv: readonly string[], env: Readonly<Record<string, string>>): string {
  if (typeof script !== 'string' || script === '') throw invalid(option, script, 'the path of the worker script');
  const scriptPath = resolve(cwd, script);
  if (!existsSync(scriptPath) || !statSync(scriptPath).isFile()) {
    throw new ConfigError(CODES.SCRIPT_NOT_FOUND, option, `no such file: ${scriptPath}${scriptPath === script ? '' : ` (from ${show(script)})`}`);
  }
  const ts = typeScriptProblem(scriptPath, execArgv, env.NODE_OPTIONS ?? process.env.NODE_OPTIONS);
  if (ts !== undefined) throw new ConfigError(CODES.TYPESCRIPT_UNSUPPORTED, option, ts);
  return scriptPath;
}

/** Each jitter and the limit it is added to. */
const JITTERS = [['maxRequestsJitter', 'maxRequests', '--max-requests'], ['maxLifetimeJitter', 'maxLifetime', '--max-lifetime']] as const;

/**
 * A jitter set where no group has its limit does nothing: most likely the limit was forgotten
 * (`--max-requests-jitter` without `--max-requests`). One inherited by a group whose limit is 0
 * is fine: a top-level jitter for every group, and a group that opts out of the limit.
 */
function checkJitters(input: UserConfig, groups: readonly GroupConfig[]): void {
  for (const [jitter, limit, flag] of JITTERS) {
    if (groups.some((g) => g[limit] > 0)) continue;
    const own = Object.entries(input.groups ?? {}).find(([, g]) => typeof g?.[jitter] === 'number' && g[jitter] > 0);
    const where = typeof input[jitter] === 'number' && input[jitter] > 0 ? { option: jitter, value: input[jitter] } : own ? { option: `groups.${own[0]}.${jitter}`, value: own[1][jitter] } : undefined;
    if (where === undefined) continue;
    throw new ConfigError(CODES.INVALID_OPTION, where.option, `${show(where.value)} has no effect: no group sets ${limit} (${flag}), the limit it is added to; set ${limit} too, or leave ${jitter} out`);
  }
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

interface ListenerEntry {
  listen: unknown;
  group: unknown;
  option: string;
  content?: unknown;
  mode?: unknown;
  udpTimeout?: unknown;
}

/** One listener to build: its entry, its address, and the activated socket it takes (if any). */
interface ListenerSpec {
  entry: ListenerEntry;
  address: ListenAddress;
  socket: number | undefined;
}

function resolveListeners(input: UserConfig, groups: GroupConfig[], udpTimeout: number, activated: readonly ActivatedSocket[]): ListenerConfig[] {
  const entries: ListenerEntry[] = [];
  const defaultMode = oneOf(input.mode, 'mode', ['dispatch', 'direct'] as const, 'dispatch');
  if (input.listen !== undefined) {
    const list = Array.isArray(input.listen) ? input.listen : [input.listen];
    list.forEach((l, i) => entries.push({ listen: l, group: groups[0].name, option: Array.isArray(input.listen) ? `listen[${i}]` : 'listen' }));
  }
  if (input.listeners !== undefined) {
    if (!Array.isArray(input.listeners)) throw invalid('listeners', input.listeners, 'a list of { listen, group }');
    input.listeners.forEach((l, i) => {
      if (l === null || typeof l !== 'object') throw invalid(`listeners[${i}]`, l, 'an object { listen, group }');
      entries.push({ listen: l.listen, group: l.group ?? groups[0].name, option: `listeners[${i}]`, content: l.content, mode: l.mode, udpTimeout: l.udpTimeout });
    });
  }
  // None configured: every listener comes from what the workers' listen() asks for.
  const specs = listenerSpecs(entries, groups[0].name, activated);
  const seen = new Map<string, string>();
  return specs.map(({ entry: e, address, socket }, index) => {
    const key = listenKey(address);
    // Two activated sockets are two sockets, whatever their addresses (ReusePort=).
    if (socket === undefined) {
      if (address.port !== 0 && seen.has(key)) {
        throw new ConfigError(CODES.DUPLICATE_LISTENER, e.option, `${show(e.listen)} is already a listener (${seen.get(key)})`);
      }
      seen.set(key, e.option);
    }
    if (typeof e.group !== 'string' || !groups.some((g) => g.name === e.group)) {
      throw new ConfigError(CODES.UNKNOWN_GROUP, `${e.option}.group`, `unknown group ${show(e.group)}; groups are ${groups.map((g) => g.name).join(', ')}`);
    }
    const udp = address.protocol === 'udp';
    // Datagrams have no stream to peek at, and TCP connections have no idle flows to expire.
    if (udp && e.content !== undefined) throw invalid(`${e.option}.content`, e.content, 'no content step on a udp listener (content-aware hand-over reads TCP streams)');
    if (udp && e.mode === 'direct') throw invalid(`${e.option}.mode`, e.mode, '"dispatch" on a udp listener (flows are dispatched by the master)');
    if (!udp && e.udpTimeout !== undefined) throw invalid(`${e.option}.udpTimeout`, e.udpTimeout, `a udp listener for udpTimeout (${show(e.listen)} is tcp)`);
    const flowTimeout = udp ? int(e.udpTimeout, `${e.option}.udpTimeout`, udpTimeout, 1, 24 * 3600 * 1000) : 0;
    const content = e.content === undefined ? undefined : resolveContent(e.content, `${e.option}.content`, groups.map((g) => g.name));
    // The default group first: pools are built in this order and the first is where no rule leads.
    const served = [e.group];
    for (const r of content?.rules ?? []) if (!served.includes(r.group)) served.push(r.group);
    // UDP flows are always dispatched by the master; a top-level direct mode applies to TCP listeners.
    const mode = udp ? 'dispatch' : e.mode ?? defaultMode;
    if (mode !== 'dispatch' && mode !== 'direct') throw invalid(`${e.option}.mode`, e.mode, '"dispatch" or "direct"');
    if (mode === 'direct' && content?.sticky) {
      // A worker that accepted a connection cannot know which worker the key hashes to.
      throw invalid(`${e.option}.content.sticky`, e.content, 'no sticky key in direct mode (sticky sessions need mode "dispatch")');
    }
    if (mode === 'direct' && content !== undefined && content.rules.length === 0) {
      throw invalid(`${e.option}.content`, e.content, 'routing rules: in direct mode the content step only moves connections whose rules name another group');
    }
    if (mode === 'direct' && content?.proxy !== undefined) {
      throw invalid(`${e.option}.content.proxy`, content.proxy, 'no PROXY protocol in direct mode yet (use mode "dispatch")');
    }
    // On Linux "::" takes IPv4 too unless the socket is IPv6-only: beside an IPv4 address on
    // the same port it must be, or the second bind fails with EADDRINUSE. (A socket systemd
    // passed is bound already, as it is.)
    const v6only = socket === undefined && address.host === '::' && address.port !== 0 &&
      specs.some(({ address: a, socket: s }) => a.protocol === address.protocol && a.port === address.port &&
        ((a.host !== undefined && isIP(a.host) === 4) || (s !== undefined && activated[s]!.family === 'IPv4')));
    return {
      index, protocol: address.protocol, host: address.host, port: address.port, group: e.group, groups: served, content, mode, udpTimeout: flowTimeout, v6only, onDemand: false,
      ...(socket !== undefined ? { activated: socket } : {}),
    };
  });
}

/**
 * The listeners to build, in order: each entry as written, or once per activated socket it takes;
 * then each activated socket no entry took, as a listener of the first group (`group`).
 */
function listenerSpecs(entries: readonly ListenerEntry[], group: string, activated: readonly ActivatedSocket[]): ListenerSpec[] {
  const named = new Map<string, string>();
  const targets = entries.map((e): ListenTarget => {
    const name = systemdName(e.listen, e.option);
    if (name === undefined) return parseListen(e.listen, e.option);
    if (named.has(name)) throw new ConfigError(CODES.DUPLICATE_LISTENER, e.option, `${show(e.listen)} is already a listener (${named.get(name)})`);
    named.set(name, e.option);
    return { systemd: name };
  });
  const { taken, rest } = matchActivated(targets, activated);
  const specs: ListenerSpec[] = [];
  targets.forEach((t, i) => {
    const entry = entries[i]!;
    if ('systemd' in t) {
      if (taken[i]!.length === 0) throw new ConfigError(CODES.SYSTEMD_NAME, entry.option, `systemd passed no socket named ${show(t.systemd)}; ${passedNames(activated)}`);
      for (const s of taken[i]!) specs.push({ entry, address: socketAddress(activated[s]!), socket: s });
    } else if (taken[i]!.length === 0) {
      specs.push({ entry, address: t, socket: undefined });
    } else {
      for (const s of taken[i]!) specs.push({ entry, address: t, socket: s });
    }
  });
  for (const s of rest) {
    const where = `systemd ${describeSocket(activated[s]!)}`;
    specs.push({ entry: { listen: where, group, option: where }, address: socketAddress(activated[s]!), socket: s });
  }
  return specs;
}

/** An activated socket's address as a listener's: no host when it is bound to every address. */
function socketAddress(s: ActivatedSocket): ListenAddress {
  return { protocol: s.protocol, host: everyAddress(s.address) ? undefined : s.address, port: s.port };
}

/** What systemd passed, for an error about a name it did not pass. */
function passedNames(activated: readonly ActivatedSocket[]): string {
  if (activated.length === 0) return 'it passed no socket to this process (no LISTEN_FDS for its pid)';
  const names = activated.filter((s) => s.name !== undefined).map((s) => `${show(s.name)} (fd ${s.fd})`);
  if (names.length === 0) return `it passed ${activated.length} socket(s) without names (no FileDescriptorName=, no LISTEN_FDNAMES)`;
  return `the names it passed are ${names.join(', ')}`;
}

/** Ports each worker binds itself: whole ports 1-65535, once each, none of them a configured TCP listener's. */
function resolveOwnPorts(value: unknown, listeners: readonly ListenerConfig[]): number[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid('ownPorts', value, 'a list of ports, e.g. [9464]');
  value.forEach((p, i) => {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw invalid(`ownPorts[${i}]`, p, 'a port number 1-65535', CODES.INVALID_PORT);
    if (value.indexOf(p) !== i) throw new ConfigError(CODES.DUPLICATE_LISTENER, `ownPorts[${i}]`, `${p} is given twice (ownPorts[${value.indexOf(p)}])`);
    const l = listeners.find((x) => x.protocol === 'tcp' && x.port === p);
    if (l !== undefined) {
      throw new ConfigError(CODES.OWN_PORT_LISTENED, `ownPorts[${i}]`, `${p} is also listener ${l.index} (${l.host ?? '*'}:${l.port}); a port is either served by the master or bound by each worker, not both`);
    }
  });
  return value.slice();
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
