// A listener's routing rules, compiled once: which group a decided connection goes to, and the
// sticky key that keeps it on one worker there. Rules are ordered, first match wins.
import type { ListenerConfig, RuleConfig, StickyConfig } from '../config/types.js';
import type { Decision } from './decide.js';
import type { HttpHead } from './http-head.js';

/** One listener's compiled rules. */
export interface Router {
  /** Index of the first rule `d` matches, or -1 (the listener's default group). */
  match(d: Decision): number;
  /** Per rule: the index of its group in the listener's `groups`. */
  readonly groupOf: readonly number[];
  /** The sticky key of `d`, when the listener has one and the request carries it. */
  key(d: Decision): string | undefined;
}

type Test = (d: Decision) => boolean;

/** Compiles `listener`'s rules and sticky key; a listener without content gets a router that never matches. */
export function makeRouter(listener: ListenerConfig): Router {
  const rules = listener.content?.rules ?? [];
  const tests = rules.map(compileRule);
  const sticky = listener.content?.sticky;
  return {
    match(d) {
      for (let i = 0; i < tests.length; i++) if (tests[i](d)) return i;
      return -1;
    },
    groupOf: rules.map((r) => listener.groups.indexOf(r.group)),
    key: sticky ? (d) => (d.head ? stickyKey(d.head, sticky) : undefined) : () => undefined,
  };
}

function compileRule(rule: RuleConfig): Test {
  const tests: Test[] = [];
  if (rule.host) {
    const hosts = rule.host;
    tests.push((d) => d.head?.host !== undefined && hosts.some((h) => hostMatches(h, d.head!.host!)));
  }
  if (rule.path !== undefined) {
    const prefix = rule.path;
    tests.push((d) => d.head !== undefined && d.head.path.startsWith(prefix));
  }
  if (rule.pathRegex !== undefined) {
    const re = new RegExp(rule.pathRegex);
    tests.push((d) => d.head !== undefined && re.test(d.head.query === '' ? d.head.path : `${d.head.path}?${d.head.query}`));
  }
  if (rule.header) {
    const wanted = rule.header;
    tests.push((d) => d.head !== undefined && wanted.every(([name, value]) => d.head!.headers.get(name)?.includes(value) === true));
  }
  if (rule.sni) {
    const names = rule.sni;
    tests.push((d) => d.sni !== undefined && names.some((n) => hostMatches(n, d.sni!)));
  }
  if (rule.alpn) {
    const offered = rule.alpn;
    tests.push((d) => d.alpn !== undefined && d.alpn.some((p) => offered.includes(p)));
  }
  return (d) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i](d)) return false;
    return true;
  };
}

/**
 * `pattern` is lower case; `host` is what the parser gives (Host lower-cased, SNI as sent).
 * "*.example.com" matches any name ending in ".example.com" with at least one label in front
 * (NGINX's server_name wildcard), never "example.com" itself.
 */
export function hostMatches(pattern: string, host: string): boolean {
  const name = host.toLowerCase();
  if (!pattern.startsWith('*.')) return name === pattern;
  const suffix = pattern.slice(1);
  return name.length > suffix.length && name.endsWith(suffix);
}

/** The key's value as sent (not decoded); an empty value counts as absent. */
export function stickyKey(head: HttpHead, sticky: StickyConfig): string | undefined {
  let value: string | undefined;
  if (sticky.from === 'cookie') value = head.cookies.get(sticky.name);
  else if (sticky.from === 'header') value = head.headers.get(sticky.name)?.[0];
  else value = queryParam(head.query, sticky.name);
  return value === '' ? undefined : value;
}

/** The first `name=value` of a raw query string; undefined when absent. */
export function queryParam(query: string, name: string): string | undefined {
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    const eq = query.indexOf('=', start);
    if (eq > start && eq < end && eq - start === name.length && query.startsWith(name, start)) return query.slice(eq + 1, end);
    start = end + 1;
  }
  return undefined;
}
