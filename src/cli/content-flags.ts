// Command-line flags for the common content-aware cases: extra groups, one-condition routes,
// a sticky key, PROXY protocol. Anything richer (several conditions per rule) is the config file's.
import { InvalidArgumentError } from 'commander';
import type { ContentInput, GroupInput, ListenerInput, RuleInput, StickyInput, UserConfig } from '../config/types.js';

/** The content flags as commander hands them over. */
export interface ContentFlags {
  group?: Array<[name: string, script: string]>;
  route?: RuleInput[];
  sticky?: StickyInput;
  preread?: 'http' | 'tls';
  proxyProtocol?: 'v1' | 'v2' | 'any';
  onInvalid?: 'default' | 'close';
}

/** commander parser, repeatable: "api=api.js" -> a group "api" running api.js. */
export function groupFlag(value: string, previous: Array<[string, string]> | undefined): Array<[string, string]> {
  const m = /^([A-Za-z0-9_-]{1,64})=(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected NAME=SCRIPT, e.g. api=api.js.');
  return [...(previous ?? []), [m[1], m[2]]];
}

const ROUTE_HELP = 'expected GROUP=CONDITION, where CONDITION is host:NAME, path:/PREFIX, path~:REGEX, header:NAME=VALUE, sni:NAME or alpn:PROTOCOL (e.g. api=path:/api/).';

/** commander parser, repeatable: "api=host:api.example.com" -> a rule, in order. */
export function routeFlag(value: string, previous: RuleInput[] | undefined): RuleInput[] {
  const m = /^([A-Za-z0-9_-]{1,64})=(host|path~|path|header|sni|alpn):(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(ROUTE_HELP);
  const [, group, kind, arg] = m;
  const rule: RuleInput = { group };
  if (kind === 'host') rule.host = arg;
  else if (kind === 'path') rule.path = arg;
  else if (kind === 'path~') rule.pathRegex = arg;
  else if (kind === 'sni') rule.sni = arg;
  else if (kind === 'alpn') rule.alpn = arg;
  else {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`header routes need NAME=VALUE, got ${JSON.stringify(arg)}; ${ROUTE_HELP}`);
    rule.header = { [arg.slice(0, eq)]: arg.slice(eq + 1) };
  }
  return [...(previous ?? []), rule];
}

/** commander parser: "cookie:sid" -> { cookie: 'sid' }. */
export function stickyFlag(value: string): StickyInput {
  const m = /^(cookie|header|query):(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected cookie:NAME, header:NAME or query:NAME, e.g. cookie:sid or query:sid.');
  return { [m[1]]: m[2] };
}

/**
 * Applies content flags to `out`: --group adds groups (the positional script stays the group
 * "default", where unmatched connections go); the other flags go into every listener's content.
 */
export function applyContentFlags(out: UserConfig, flags: ContentFlags, groupFlags: Partial<GroupInput>, defaultListen: string): void {
  if (flags.group !== undefined) {
    const groups: Record<string, GroupInput> = out.groups ? { ...out.groups } : { default: {} };
    // A named group runs its own script; the other group flags (workers, algorithm) still apply.
    const { script: _script, args: _args, ...shared } = groupFlags;
    for (const [name, script] of flags.group) groups[name] = { ...groups[name], ...shared, script };
    out.groups = groups;
  }
  const content: ContentInput = {};
  if (flags.preread !== undefined) content.protocol = flags.preread;
  if (flags.proxyProtocol !== undefined) content.proxy = flags.proxyProtocol;
  if (flags.sticky !== undefined) content.sticky = flags.sticky;
  if (flags.onInvalid !== undefined) content.onInvalid = flags.onInvalid;
  const rules = flags.route ?? [];
  if (Object.keys(content).length === 0 && rules.length === 0) return;
  // Routes and sticky keys read the HTTP head unless told otherwise (SNI and ALPN need TLS).
  if (content.protocol === undefined && (rules.length > 0 || content.sticky)) {
    content.protocol = rules.some((r) => r.sni !== undefined || r.alpn !== undefined) ? 'tls' : 'http';
  }
  // Content rules need a listener of the master's own: without one, $PORT or 8080.
  const listeners: ListenerInput[] = out.listeners
    ? out.listeners.map((l) => ({ ...l }))
    : (out.listen === undefined ? [defaultListen] : Array.isArray(out.listen) ? out.listen : [out.listen]).map((listen) => ({ listen }));
  for (const l of listeners) {
    const own = l.content ?? {};
    l.content = { ...own, ...content, rules: [...(own.rules ?? []), ...rules] };
  }
  out.listeners = listeners;
  delete out.listen;
}
