// Reads examples/grafana/portplex.json for the tests that hold it against docs/metrics.md and a
// real Prometheus: its panels (rows' nested ones too), every PromQL expression it sends, and the
// metric names and labels an expression uses. A small scanner, not a PromQL parser: it knows
// what the dashboard writes (selectors, range selectors, by/without lists, function calls).
import { readFileSync } from 'node:fs';
import { ROOT } from './cluster.js';

export const DASHBOARD = 'examples/grafana/portplex.json';

export interface Target {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
  instant?: boolean;
}

export interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  fieldConfig?: { defaults?: { unit?: string } };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
}

export interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
  datasource?: { type?: string; uid?: string };
}

export interface Dashboard {
  schemaVersion?: number;
  uid?: string;
  title?: string;
  panels?: Panel[];
  templating?: { list?: Variable[] };
}

/** One expression the dashboard sends to Prometheus, and where it comes from. */
export interface Query {
  /** "panel "Accepted" A" or "variable job": names it in a failure. */
  where: string;
  expr: string;
  /** The panel's title, or the variable's name. */
  owner: string;
  legend?: string;
  /** For a variable: the label whose values it lists. */
  label?: string;
}

export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(`${ROOT}${DASHBOARD}`, 'utf8')) as Dashboard;
}

/** Every panel: the top level's in order, a collapsed row's own panels right after the row. */
export function allPanels(d: Dashboard): Panel[] {
  return (d.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** The query text of a variable: a string or the editor's { query }. */
export function variableQuery(v: Variable): string | undefined {
  return typeof v.query === 'string' ? v.query : v.query?.query;
}

/** `label_values(selector, label)` -> its parts; undefined for any other variable query. */
export function labelValues(query: string): { selector: string; label: string } | undefined {
  const m = /^\s*label_values\(\s*(.+?)\s*,\s*([a-zA-Z_]\w*)\s*\)\s*$/.exec(query);
  return m ? { selector: m[1]!, label: m[2]! } : undefined;
}

/** Every expression of the dashboard: each target of each panel, each query variable's selector. */
export function dashboardQueries(d: Dashboard): Query[] {
  const out: Query[] = [];
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const q = variableQuery(v) ?? '';
    const lv = labelValues(q);
    out.push({ where: `variable ${v.name}`, owner: v.name, expr: lv?.selector ?? q, label: lv?.label });
  }
  for (const p of allPanels(d)) {
    for (const t of p.targets ?? []) {
      out.push({ where: `panel "${p.title}" ${t.refId ?? '?'}`, owner: p.title ?? '', expr: t.expr ?? '', legend: t.legendFormat });
    }
  }
  return out;
}

/** One metric name in an expression, with what is written around it. */
export interface MetricUse {
  name: string;
  /** Label names of its selector ({a="x", b=~"y"}). */
  labels: string[];
  /** Its range selector's text ("$__rate_interval"), if any. */
  range?: string;
  /** The function it is an argument of (rate, sum, ...), if any. */
  fn?: string;
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/** `expr` with string contents, selector contents and by/without/on lists blanked, positions kept. */
function mask(expr: string): string {
  let s = expr.replace(/"(?:[^"\\]|\\.)*"/g, (m) => `"${' '.repeat(m.length - 2)}"`);
  s = s.replace(/\{[^}]*\}/g, (m) => `{${' '.repeat(m.length - 2)}}`);
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)(\s*)\(([^)]*)\)/g, (_m, kw: string, sp: string, list: string) => `${kw}${sp}(${' '.repeat(list.length)})`);
  return s;
}

/** The metric names `expr` selects, in order, with their selectors, ranges and enclosing functions. */
export function metricUses(expr: string): MetricUse[] {
  const masked = mask(expr);
  const uses: MetricUse[] = [];
  for (const m of masked.matchAll(/[a-zA-Z_:][\w:]*/g)) {
    const start = m.index;
    const end = start + m[0].length;
    const before = masked[start - 1] ?? '';
    if (/[\w$.]/.test(before)) continue; // part of a number (5m, 1e3), a $variable, a field
    if (KEYWORDS.has(m[0].toLowerCase())) continue;
    let i = end;
    while (masked[i] === ' ') i++;
    if (masked[i] === '(' || /^(by|without)\s*\(/.test(masked.slice(i))) continue; // a function or aggregation
    let labels: string[] = [];
    if (masked[i] === '{') {
      const close = masked.indexOf('}', i);
      labels = [...expr.slice(i + 1, close).matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((x) => x[1]!);
      i = close + 1;
      while (masked[i] === ' ') i++;
    }
    let range: string | undefined;
    if (masked[i] === '[') range = expr.slice(i + 1, masked.indexOf(']', i)).trim();
    uses.push({ name: m[0], labels, range, fn: enclosingFunction(masked, start) });
  }
  return uses;
}

/** The name before the innermost parenthesis open at `pos` in `masked`. */
function enclosingFunction(masked: string, pos: number): string | undefined {
  let depth = 0;
  for (let i = pos - 1; i >= 0; i--) {
    const c = masked[i];
    if (c === ')') depth++;
    else if (c === '(') {
      // sum by (x) (...): the aggregation's name is before its grouping list.
      if (depth === 0) return /([a-zA-Z_]\w*)\s*(?:(?:by|without)\s*\([^)]*\)\s*)?$/.exec(masked.slice(0, i))?.[1];
      depth--;
    }
  }
  return undefined;
}

/** The labels of `by (...)` and `without (...)` lists in `expr`. */
export function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()).filter((l) => l !== ''));
}

/** The labels a legend shows: "{{worker}} {{direction}}" -> ['worker', 'direction']. */
export function legendLabels(legend: string | undefined): string[] {
  return [...(legend ?? '').matchAll(/\{\{\s*([a-zA-Z_]\w*)\s*\}\}/g)].map((m) => m[1]!);
}

/** The variables an expression refers to: $name and ${name} (Grafana's own $__ ones included). */
export function variablesUsed(expr: string): string[] {
  return [...expr.matchAll(/\$\{?([a-zA-Z_]\w*)/g)].map((m) => m[1]!);
}
