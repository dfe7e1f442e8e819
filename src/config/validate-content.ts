// Validates a listener's content step: what to parse, the routing rules, the sticky key.
import { CODES, ConfigError, invalid, show } from '../errors.js';
import { checkKeys, int, oneOf } from './checks.js';
import { CONFIG_KEYS } from './keys.js';
import type { ContentConfig, RuleConfig, StickyConfig } from './types.js';

const HTTP_CONDITIONS = ['host', 'path', 'pathRegex', 'header'] as const;
const TLS_CONDITIONS = ['sni', 'alpn'] as const;
/** A regular expression runs on every routed request: keep it short enough to read. */
const MAX_REGEX_LENGTH = 1024;
/** RFC 9110 token: header and cookie names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A host name as it may appear in Host or SNI, lower case; a leading "*." makes it a wildcard. */
const HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Validates `value` (a listener's `content`); `groups` are the names rules may route to. */
export function resolveContent(value: unknown, option: string, groups: readonly string[]): ContentConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(option, value, 'an object { protocol, rules, sticky, ... }');
  checkKeys(value, CONFIG_KEYS.content, `${option}.`);
  const c = value as Record<string, unknown>;
  if (c.protocol !== undefined && c.protocol !== 'http' && c.protocol !== 'tls') throw invalid(`${option}.protocol`, c.protocol, '"http" or "tls"');
  if (c.proxy !== undefined && c.proxy !== 'v1' && c.proxy !== 'v2' && c.proxy !== 'any') throw invalid(`${option}.proxy`, c.proxy, '"v1", "v2" or "any"');
  if (c.protocol === undefined && c.proxy === undefined) throw invalid(option, value, 'a protocol to parse ("http" or "tls") or a PROXY header to expect');
  const onInvalid = oneOf(c.onInvalid, `${option}.onInvalid`, ['default', 'close'] as const, 'default');
  const protocol = c.protocol as 'http' | 'tls' | undefined;
  return {
    protocol,
    proxy: c.proxy as 'v1' | 'v2' | 'any' | undefined,
    maxBytes: int(c.maxBytes, `${option}.maxBytes`, 16384, 64, 1024 * 1024),
    timeout: int(c.timeout, `${option}.timeout`, 5000, 1, 600000),
    rules: resolveRules(c.rules, `${option}.rules`, protocol, groups),
    sticky: resolveSticky(c.sticky, `${option}.sticky`, protocol),
    onInvalid,
  };
}

function resolveRules(value: unknown, option: string, protocol: 'http' | 'tls' | undefined, groups: readonly string[]): RuleConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(option, value, 'a list of rules { group, host, path, ... }');
  return value.map((r, i) => resolveRule(r, `${option}[${i}]`, protocol, groups));
}

function resolveRule(value: unknown, option: string, protocol: 'http' | 'tls' | undefined, groups: readonly string[]): RuleConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(option, value, 'a rule { group, host, path, pathRegex, header, sni, alpn }');
  checkKeys(value, CONFIG_KEYS.rule, `${option}.`);
  const r = value as Record<string, unknown>;
  if (typeof r.group !== 'string' || !groups.includes(r.group)) {
    throw new ConfigError(CODES.UNKNOWN_GROUP, `${option}.group`, `unknown group ${show(r.group)}; groups are ${groups.join(', ')}`);
  }
  const given = CONFIG_KEYS.rule.filter((k) => k !== 'group' && r[k] !== undefined);
  if (given.length === 0) throw invalid(option, value, 'at least one condition (host, path, pathRegex, header, sni, alpn)');
  // A condition the listener never parses could never match: say so now, not by silence later.
  for (const k of given) {
    const needs = (HTTP_CONDITIONS as readonly string[]).includes(k) ? 'http' : 'tls';
    if (protocol !== needs) throw invalid(`${option}.${k}`, r[k], `a condition of what the listener parses (protocol ${show(protocol)}); ${k} needs protocol "${needs}"`);
  }
  return {
    group: r.group,
    host: hostList(r.host, `${option}.host`),
    path: path(r.path, `${option}.path`),
    pathRegex: regex(r.pathRegex, `${option}.pathRegex`),
    header: headers(r.header, `${option}.header`),
    sni: hostList(r.sni, `${option}.sni`),
    alpn: alpnList(r.alpn, `${option}.alpn`),
  };
}

function hostList(value: unknown, option: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw invalid(option, value, 'a host name or a list of them');
  return list.map((h, i) => {
    const at = Array.isArray(value) ? `${option}[${i}]` : option;
    if (typeof h !== 'string' || h.length > 253 || !HOST_PATTERN.test(h.toLowerCase())) {
      throw invalid(at, h, 'a host name ("api.example.com") or a wildcard ("*.example.com")');
    }
    return h.toLowerCase();
  });
}

function path(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !value.startsWith('/') || /[\s?#]/.test(value)) throw invalid(option, value, 'a path prefix starting with "/" (no spaces, "?" or "#")');
  return value;
}

function regex(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_REGEX_LENGTH) throw invalid(option, value, `a regular expression of 1-${MAX_REGEX_LENGTH} characters`);
  try {
    new RegExp(value);
  } catch (err) {
    throw invalid(option, value, `a valid regular expression (${(err as Error).message})`);
  }
  return value;
}

function headers(value: unknown, option: string): Array<[string, string]> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) {
    throw invalid(option, value, 'an object of header names and exact values, e.g. { "x-tenant": "blue" }');
  }
  return Object.entries(value).map(([name, v]) => {
    if (!TOKEN.test(name)) throw invalid(`${option}.${name}`, name, 'a header name');
    if (typeof v !== 'string') throw invalid(`${option}.${name}`, v, 'a string value');
    return [name.toLowerCase(), v];
  });
}

function alpnList(value: unknown, option: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw invalid(option, value, 'an ALPN protocol name or a list of them');
  list.forEach((p, i) => {
    if (typeof p !== 'string' || p.length === 0 || p.length > 255) throw invalid(Array.isArray(value) ? `${option}[${i}]` : option, p, 'an ALPN protocol name such as "h2"');
  });
  return list as string[];
}

function resolveSticky(value: unknown, option: string, protocol: 'http' | 'tls' | undefined): StickyConfig | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(option, value, 'one of { cookie }, { header } or { query } naming the key');
  checkKeys(value, CONFIG_KEYS.sticky, `${option}.`);
  const entries = Object.entries(value);
  if (entries.length !== 1) throw invalid(option, value, 'exactly one of cookie, header or query');
  const [from, name] = entries[0] as ['cookie' | 'header' | 'query', unknown];
  if (protocol !== 'http') throw invalid(`${option}.${from}`, name, `a key of what the listener parses; sticky keys need protocol "http", not ${show(protocol)}`);
  const ok = from === 'query' ? typeof name === 'string' && name.length > 0 && name.length <= 256 && !/[&=#\s]/.test(name) : typeof name === 'string' && TOKEN.test(name);
  if (!ok) throw invalid(`${option}.${from}`, name, from === 'query' ? 'a query parameter name' : `a ${from} name`);
  return { from, name: from === 'header' ? (name as string).toLowerCase() : (name as string) };
}
