// Every key of a configuration tree that its level does not have, found in one walk before any
// value is checked, so that a config with several misspelt keys names them all at once.
import { CODES, ConfigError } from '../errors.js';
import { CONFIG_KEYS } from './keys.js';

/** The unknown keys of `input` at every level (groups, listeners, their content, rules, sticky), in the order written. */
export function unknownKeys(input: object): ConfigError[] {
  const found: ConfigError[] = [];
  const check = (value: unknown, allowed: readonly string[], prefix: string): Record<string, unknown> | undefined => {
    if (!isObject(value)) return undefined;
    // The allowed keys are listed once per level; further unknown keys there point back to that line.
    let first: string | undefined;
    for (const key of Object.keys(value)) {
      if (allowed.includes(key)) continue;
      const option = `${prefix}${key}`;
      found.push(new ConfigError(CODES.UNKNOWN_OPTION, option, first === undefined ? `unknown option; expected one of ${allowed.join(', ')}` : `unknown option; expected one of those listed for ${first}`));
      first ??= option;
    }
    return value;
  };
  const top = check(input, CONFIG_KEYS.top, '');
  if (top === undefined) return found;
  if (isObject(top.groups)) for (const [name, g] of Object.entries(top.groups)) check(g, CONFIG_KEYS.group, `groups.${name}.`);
  if (Array.isArray(top.listeners)) {
    top.listeners.forEach((l, i) => {
      const content = check(check(l, CONFIG_KEYS.listener, `listeners[${i}].`)?.content, CONFIG_KEYS.content, `listeners[${i}].content.`);
      if (content === undefined) return;
      if (Array.isArray(content.rules)) content.rules.forEach((r, j) => check(r, CONFIG_KEYS.rule, `listeners[${i}].content.rules[${j}].`));
      check(content.sticky, CONFIG_KEYS.sticky, `listeners[${i}].content.sticky.`);
    });
  }
  return found;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
