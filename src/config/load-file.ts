// Reads a config file: JSON, or JavaScript (.js, .cjs, .mjs) exporting the config; either may hold
// a PM2 ecosystem file ({ apps: [...] }) instead of portplex's own format. Relative paths in it
// are relative to the file.
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { CODES, ConfigError } from '../errors.js';
import { cpuCount } from './cpu-limit.js';
import { fromEcosystem, isEcosystem } from './ecosystem.js';
import { importConfig, JS_EXTENSIONS } from './js-module.js';
import { locateJsonError } from './json-position.js';
import type { UserConfig } from './types.js';

/** Size bound: a config file is small; anything larger is a mistake (e.g. a log passed by accident). */
const MAX_BYTES = 1024 * 1024;

export interface LoadedConfig {
  readonly config: UserConfig;
  /** The directory relative paths resolve against. */
  readonly baseDir: string;
  /** Lines to warn of (an ecosystem file's keys that portplex does not use). */
  readonly warnings: readonly string[];
}

export interface LoadOptions {
  /** `--env NAME`: an ecosystem file's env_NAME over each app's env. */
  readonly env?: string;
}

/** Loads `path`: its config (an ecosystem file converted), and the directory its relative paths resolve against. */
export async function loadConfigFile(path: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const full = resolve(path);
  const baseDir = dirname(full);
  const ext = extname(full);
  const value = JS_EXTENSIONS.includes(ext) ? await importConfig(full) : parseJson(full, readText(full));
  if (isEcosystem(value)) {
    const { config, ignored } = fromEcosystem(value, { cpus: cpuCount(), baseDir, env: options.env });
    const warnings = ignored.length === 0 ? [] : [`${basename(full)}: PM2 keys portplex does not use, ignored: ${ignored.join(', ')}`];
    return { config, baseDir, warnings };
  }
  if (options.env !== undefined) {
    throw new ConfigError(CODES.INVALID_OPTION, '--env', `chooses the env_${options.env} of each app of a PM2 ecosystem file; ${full} is a portplex config (no "apps")`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(CODES.CONFIG_FILE, '--config', JS_EXTENSIONS.includes(ext) ? `${full} must export a config object` : `${full} must hold a JSON object`);
  }
  return { config: value as UserConfig, baseDir, warnings: [] };
}

function readText(full: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(full);
  } catch (err) {
    throw new ConfigError(CODES.CONFIG_FILE, '--config', `cannot read ${full}: ${(err as Error).message}`);
  }
  if (buf.length > MAX_BYTES) throw new ConfigError(CODES.CONFIG_FILE, '--config', `${full} is larger than 1 MiB`);
  return buf.toString('utf8');
}

function parseJson(full: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const at = locateJsonError(text);
    const where = at === undefined ? (err as Error).message : `line ${at.line}, column ${at.column}: ${at.reason}`;
    const yaml = /\.ya?ml$/i.test(full) ? ' (portplex reads JSON and JavaScript config files, not YAML)' : '';
    throw new ConfigError(CODES.CONFIG_FILE, '--config', `${full} is not valid JSON${yaml}: ${where}`);
  }
}
