// Small checks every part of config validation shares; each error names the option and the value.
import { CODES, ConfigError, invalid } from '../errors.js';

export function checkKeys(obj: object, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(CODES.UNKNOWN_OPTION, `${prefix}${key}`, `unknown option; expected one of ${allowed.join(', ')}`);
    }
  }
}

export function int(value: unknown, option: string, fallback: number, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(option, value, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer ${min}-${max}`);
  }
  return value;
}

export function str(value: unknown, option: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw invalid(option, value, 'a string');
  return value;
}

export function strings(value: unknown, option: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalid(option, value, 'a list of strings');
  return value.slice();
}

export function env(value: unknown, option: string): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(option, value, 'an object of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalid(`${option}.${k}`, v, 'a string');
    out[k] = v;
  }
  return out;
}

export function bool(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(option, value, 'true or false');
  return value;
}

export function oneOf<T extends string>(value: unknown, option: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw invalid(option, value, allowed.map((a) => JSON.stringify(a)).join(' or '));
  return value as T;
}
