// PM2's ways of writing values in an ecosystem file, read as PM2 reads them: instances as a
// number, a numeric string or "max"; times as ms or "30s"; arguments as a list or one string.
import { ConfigError, CODES, invalid, show } from '../errors.js';
import { splitWords } from './shell-words.js';

/**
 * Workers for PM2's `instances` on a machine of `cpus` CPUs: 0 and "max" are every CPU, a negative
 * number that many fewer (-1: all but one), at least 1, as PM2 counts them.
 */
export function instances(value: unknown, option: string, cpus: number): number {
  const n = value === 'max' ? 0 : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw invalid(option, value, 'a whole number, "max", 0 (every CPU) or -1 (every CPU but one)');
  const workers = n === 0 ? cpus : n < 0 ? Math.max(1, cpus + n) : n;
  if (workers > 1024) throw invalid(option, value, 'at most 1024 instances');
  return workers;
}

const TIME_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60000, h: 3600000 };

/** ms of a PM2 time: a number of ms, or a string such as "1500", "30s", "5m", "1h". */
export function time(value: unknown, option: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  const m = typeof value === 'string' && value.length <= 32 ? /^\s*(\d+)\s*(ms|s|m|h)?\s*$/.exec(value) : null;
  if (m === null) throw invalid(option, value, 'a time in ms, or a string such as "30s", "5m", "1h"');
  return Number(m[1]) * TIME_UNITS[m[2] ?? 'ms']!;
}

/** A whole number >= 0 (PM2's max_restarts), also written as a numeric string. */
export function count(value: unknown, option: string): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw invalid(option, value, 'a whole number >= 0');
  return n;
}

export function flag(value: unknown, option: string): boolean {
  if (typeof value !== 'boolean') throw invalid(option, value, 'true or false');
  return value;
}

/**
 * A list of words (args, node_args): a list of strings as it is, or one string split as a shell
 * splits simple words (a quoted run, also inside a word: --title="a b", stays one word without
 * its quotes), as --node-args is. PM2 splits a string at whitespace.
 */
export function words(value: unknown, option: string): string[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (typeof v !== 'string' && typeof v !== 'number') throw invalid(`${option}[${i}]`, v, 'a string');
    });
    return value.map(String);
  }
  if (typeof value !== 'string') throw invalid(option, value, 'a string or a list of strings');
  try {
    return splitWords(value);
  } catch (err) {
    throw new ConfigError(CODES.INVALID_OPTION, option, `${(err as Error).message}, in ${show(value)}`);
  }
}

/**
 * PM2's env object as strings: numbers and booleans as their text (PM2 passes `PORT: 3000` on as
 * "3000"); null and undefined leave the variable out.
 */
export function environment(value: unknown, option: string): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(option, value, 'an object of variables');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw invalid(`${option}.${k}`, v, 'a string, number or boolean');
    out[k] = String(v);
  }
  return out;
}
