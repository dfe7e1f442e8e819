// Config errors name config keys (`listen[0]`, `weights`, `groups.api.script`); when the value
// came from a flag, the user typed the flag, so the error names the flag instead.
import { ConfigError, ConfigErrors } from '../errors.js';
import type { UserConfig } from '../config/types.js';
import type { Flags } from './options.js';

/** Config keys whose flag has another name (the rest are the same words: maxMemory, --max-memory). */
const FLAG_OF_KEY: Readonly<Record<string, keyof Flags>> = { execArgv: 'nodeArgs', ownPorts: 'ownPort', listeners: 'listen' };

/** `err` with each option whose value a flag gave renamed to that flag. */
export function withFlagNames(err: ConfigError, flags: Flags, file: UserConfig = {}): ConfigError {
  if (err instanceof ConfigErrors) {
    const renamed = err.errors.map((e) => withFlagNames(e, flags, file));
    return renamed.every((e, i) => e === err.errors[i]) ? err : new ConfigErrors(renamed);
  }
  const flag = flagOf(err.option, flags, file);
  if (flag === undefined) return err;
  return new ConfigError(err.code, flag, err.message.slice(err.option.length + 2));
}

/** The flag that gave `option`'s value, if one did; `file` is the config file's (flags add to its rules). */
export function flagOf(option: string, flags: Flags, file: UserConfig = {}): string | undefined {
  // --route and --sticky go into every listener's content, after the file's own rules.
  const content = /^listeners\[(\d+)\]\.content\.(?:rules\[(\d+)\]|sticky)/.exec(option);
  if (content !== null) {
    const [, listener, rule] = content as unknown as [string, string, string | undefined];
    if (rule === undefined) return flags.sticky !== undefined ? '--sticky' : undefined;
    const own = flags.listen !== undefined ? 0 : file.listeners?.[Number(listener)]?.content?.rules?.length ?? 0;
    return flags.route !== undefined && Number(rule) >= own ? '--route' : undefined;
  }
  // A group flag applies to every group, so `groups.api.workers` came from -w if -w was given.
  const m = /^(?:groups\.([\w-]+)\.)?([A-Za-z]+)(?:\[\d+\])?$/.exec(option);
  if (m === null) return undefined;
  const [, group, key] = m as unknown as [string, string | undefined, string];
  if (key === 'script') return group !== undefined && flags.group?.some(([name]) => name === group) ? '--group' : undefined;
  // With content flags, the -l addresses become `listeners[i]`.
  if (group === undefined && key === 'listeners' && flags.listen === undefined) return undefined;
  const attribute = FLAG_OF_KEY[key] ?? (key as keyof Flags);
  if (flags[attribute] === undefined) return undefined;
  return `--${attribute.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
