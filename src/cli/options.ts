// Turns command-line flags into a UserConfig (flags override the config file).
import { InvalidArgumentError } from 'commander';
import { DEFAULTS } from '../config/defaults.js';
import { systemdName } from '../config/activated.js';
import { parseListen } from '../config/listen-address.js';
import { parseSize } from '../config/size.js';
import type { UserConfig } from '../config/types.js';
import { applyContentFlags, type ContentFlags } from './content-flags.js';

/** Parsed flags as commander hands them over. */
export interface Flags extends ContentFlags {
  workers?: number;
  listen?: string[];
  algorithm?: string;
  weights?: number[];
  maxConnections?: number;
  maxMemory?: number;
  maxConnectionsServed?: number;
  maxRequests?: number;
  maxRequestsJitter?: number;
  maxLifetime?: number;
  maxLifetimeJitter?: number;
  queueSize?: number;
  queueTimeout?: number;
  maxPrereading?: number;
  handoffTimeout?: number;
  grace?: number;
  shutdownDelay?: number;
  waitReady?: boolean;
  readyTimeout?: number;
  maxRestarts?: number;
  udpTimeout?: number;
  config?: string;
  /** With a PM2 ecosystem file: each app's env_<env> over its env. */
  env?: string;
  admin?: string;
  metrics?: string;
  workerMetrics?: 'aggregate' | 'per-worker' | 'both' | 'off';
  workerMetricsTimeout?: number;
  mode?: 'dispatch' | 'direct';
  logPrefix?: boolean;
  logFormat?: 'text' | 'json';
  ownPort?: number[];
  nodeArgs?: string[];
}

/** commander parser: a whole number >= min. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `expected a whole number >= ${min}.` : `expected a whole number from ${min} to ${max}.`);
    }
    return Number(value);
  };
}

/** commander parser: "512M", "1G" or bytes -> bytes (0 = no limit). */
export function sizeFlag(value: string): number {
  try {
    return parseSize(value, 'size');
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message.replace(/^size: /, '')}.`);
  }
}

/** commander parser for repeatable options. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** commander parser for -l, repeatable: an address is checked as it is read, so its error names the flag. */
export function listenFlag(value: string, previous: string[] | undefined): string[] {
  try {
    if (systemdName(value, '--listen') === undefined) parseListen(value, '--listen');
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message.replace(/^--listen: /, '')}.`);
  }
  return collect(value, previous);
}

/** commander parser for --own-port, repeatable: a port 1-65535 each time. */
export function collectPort(value: string, previous: number[] | undefined): number[] {
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw new InvalidArgumentError('expected a port number 1-65535.');
  return [...(previous ?? []), Number(value)];
}

/** commander parser: "5,1,1" -> [5, 1, 1]. */
export function weightList(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) throw new InvalidArgumentError('expected comma-separated whole numbers, e.g. 5,1,1.');
  return parts.map(Number);
}

/**
 * Merges flags and positional arguments over the file's config. Group flags apply to every group.
 * Without any listener, the workers' own listen() calls say what is served (content flags,
 * which need a listener of the master's, serve `defaultListen`: $PORT or 8080).
 */
export function mergeFlags(file: UserConfig, flags: Flags, script: string | undefined, args: string[], defaultListen = process.env.PORT ?? String(DEFAULTS.port)): UserConfig {
  const out: UserConfig = { ...file };
  const group: Partial<UserConfig> = {};
  if (script !== undefined) group.script = script;
  if (args.length > 0) group.args = args;
  if (flags.workers !== undefined) group.workers = flags.workers;
  if (flags.algorithm !== undefined) group.algorithm = flags.algorithm;
  if (flags.weights !== undefined) group.weights = flags.weights;
  if (flags.maxConnections !== undefined) group.maxConnections = flags.maxConnections;
  if (flags.maxMemory !== undefined) group.maxMemory = flags.maxMemory;
  if (flags.maxConnectionsServed !== undefined) group.maxConnectionsServed = flags.maxConnectionsServed;
  if (flags.waitReady !== undefined) group.waitReady = flags.waitReady;
  if (flags.maxRequests !== undefined) group.maxRequests = flags.maxRequests;
  if (flags.maxRequestsJitter !== undefined) group.maxRequestsJitter = flags.maxRequestsJitter;
  if (flags.maxLifetime !== undefined) group.maxLifetime = flags.maxLifetime;
  if (flags.maxLifetimeJitter !== undefined) group.maxLifetimeJitter = flags.maxLifetimeJitter;
  if (flags.nodeArgs !== undefined) group.execArgv = flags.nodeArgs;
  Object.assign(out, group);
  if (out.groups) {
    const groups: NonNullable<UserConfig['groups']> = {};
    for (const [name, g] of Object.entries(out.groups)) groups[name] = { ...g, ...group };
    out.groups = groups;
  }
  if (flags.listen !== undefined) {
    out.listen = flags.listen;
    delete out.listeners;
  }
  if (flags.queueSize !== undefined) out.queueSize = flags.queueSize;
  if (flags.queueTimeout !== undefined) out.queueTimeout = flags.queueTimeout;
  if (flags.maxPrereading !== undefined) out.maxPrereading = flags.maxPrereading;
  if (flags.handoffTimeout !== undefined) out.handoffTimeout = flags.handoffTimeout;
  if (flags.grace !== undefined) out.grace = flags.grace;
  if (flags.shutdownDelay !== undefined) out.shutdownDelay = flags.shutdownDelay;
  if (flags.readyTimeout !== undefined) out.readyTimeout = flags.readyTimeout;
  if (flags.maxRestarts !== undefined) out.maxRestarts = flags.maxRestarts;
  if (flags.udpTimeout !== undefined) out.udpTimeout = flags.udpTimeout;
  if (flags.logPrefix !== undefined) out.logPrefix = flags.logPrefix;
  if (flags.logFormat !== undefined) out.logFormat = flags.logFormat;
  if (flags.mode !== undefined) {
    out.mode = flags.mode;
    if (out.listeners) out.listeners = out.listeners.map((l) => ({ ...l, mode: flags.mode }));
  }
  if (flags.ownPort !== undefined) out.ownPorts = flags.ownPort;
  applyContentFlags(out, flags, group, defaultListen);
  return out;
}
