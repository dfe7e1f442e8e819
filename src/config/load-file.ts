// Reads a JSON config file; its relative paths are relative to the file.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CODES, ConfigError } from '../errors.js';
import { locateJsonError } from './json-position.js';
import type { UserConfig } from './types.js';

/** Size bound: a config file is small; anything larger is a mistake (e.g. a log passed by accident). */
const MAX_BYTES = 1024 * 1024;

/** Loads `path`, returning the parsed object and the directory relative paths resolve against. */
export function loadConfigFile(path: string): { config: UserConfig; baseDir: string } {
  const full = resolve(path);
  let text: string;
  try {
    const buf = readFileSync(full);
    if (buf.length > MAX_BYTES) throw new ConfigError(CODES.CONFIG_FILE, '--config', `${full} is larger than 1 MiB`);
    text = buf.toString('utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(CODES.CONFIG_FILE, '--config', `cannot read ${full}: ${(err as Error).message}`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    const at = locateJsonError(text);
    const where = at === undefined ? (err as Error).message : `line ${at.line}, column ${at.column}: ${at.reason}`;
    throw new ConfigError(CODES.CONFIG_FILE, '--config', `${full} is not valid JSON: ${where}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ConfigError(CODES.CONFIG_FILE, '--config', `${full} must hold a JSON object`);
  }
  return { config: config as UserConfig, baseDir: dirname(full) };
}
