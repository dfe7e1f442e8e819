// examples/grafana/portplex.json holds to docs/metrics.md: every expression (panels, rows' nested
// panels, variable queries) names documented families with their documented labels; counters go
// through rate()/increase() over $__rate_interval (or $__range); every panel has a title, a unit,
// the data source variable and an id of its own. test/integration/grafana-dashboard.test.ts runs
// every expression against a real Prometheus.
import assert from 'node:assert/strict';
import test from 'node:test';
import { backticked, column, docTables, readDoc } from '../../helpers/doc-tables.js';
import {
  allPanels, DASHBOARD, dashboardQueries, groupingLabels, labelValues, legendLabels, metricUses, readDashboard, variableQuery, variablesUsed,
} from '../../helpers/grafana.js';

const DS_UID = '${DS_PROMETHEUS}';
/** Variables Grafana defines itself. */
const BUILTIN = new Set(['__rate_interval', '__range', '__interval']);
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ['job', 'instance'];
/** Ranges a counter may be read over. */
const COUNTER_RANGES = new Set(['$__rate_interval', '$__range']);
/** Documented families the dashboard leaves out, and why: a new family fails until it is shown or listed here. */
const LEFT_OUT: Record<string, string> = {
  portplex_content_routed_total: 'content routing only; its series appear with the first routed connection',
  portplex_content_invalid_total: 'content routing only; its series appear with the first invalid head',
  portplex_sticky_routed_total: 'sticky sessions only',
  portplex_sticky_sessions: 'sticky sessions only',
  portplex_sticky_sessions_forgotten_total: 'sticky sessions only',
  portplex_worker_connections_per_second: 'the same as "Taken per worker", sampled at heartbeats',
};

interface Family {
  type: string;
  labels: string[];
}

function documentedFamilies(): Map<string, Family> {
  const page = 'docs/metrics.md';
  const table = docTables(readDoc('metrics.md')).find((t) => t.header[0] === 'metric');
  assert.ok(table, `${page} has a table whose first column is "metric"`);
  const typeCol = column(table, 'type', page);
  const labelsCol = column(table, 'labels', page);
  return new Map(table.rows.map((r) => [backticked(r[0]!)[0] ?? r[0]!, { type: r[typeCol]!.trim(), labels: backticked(r[labelsCol] ?? '') }]));
}

/** The family a series name belongs to under the docs' rules: x_bucket, x_sum, x_count of a histogram x. */
function familyOf(name: string, families: Map<string, Family>): { family: string; type: string; labels: string[] } | undefined {
  const own = families.get(name);
  if (own) return own.type === 'histogram' ? undefined : { family: name, ...own };
  const m = /^(.+)_(bucket|sum|count)$/.exec(name);
  const base = m ? families.get(m[1]!) : undefined;
  if (!m || base?.type !== 'histogram') return undefined;
  return { family: m[1]!, type: 'histogram', labels: m[2] === 'bucket' ? [...base.labels, 'le'] : base.labels };
}

function fail(problems: string[]): void {
  assert.deepEqual(problems, [], `\n  ${problems.join('\n  ')}\n`);
}

test(`${DASHBOARD}: every panel has a title, a unique id, the data source variable and a unit`, () => {
  const d = readDashboard();
  const problems: string[] = [];
  assert.ok((d.schemaVersion ?? 0) >= 39, `schemaVersion ${d.schemaVersion} is 39 (Grafana 11) or later`);
  assert.ok(d.title && d.uid, 'the dashboard has a title and a uid');
  const ds = d.templating?.list?.find((v) => v.name === 'DS_PROMETHEUS');
  assert.deepEqual([ds?.type, ds?.query], ['datasource', 'prometheus'], 'a data source variable DS_PROMETHEUS of type prometheus');

  const panels = allPanels(d);
  const ids = panels.map((p) => p.id);
  for (const [i, id] of ids.entries()) {
    if (typeof id !== 'number') problems.push(`panel "${panels[i]!.title}" has no numeric id`);
    else if (ids.indexOf(id) !== i) problems.push(`panel "${panels[i]!.title}" reuses id ${id}`);
  }
  for (const p of d.panels ?? []) {
    // Grafana's model: an open row's panels follow it at the top level; only a collapsed row holds its own.
    if (p.type === 'row' && !(p as { collapsed?: boolean }).collapsed && (p.panels ?? []).length > 0) problems.push(`row "${p.title}" is open but holds panels`);
    if (p.type !== 'row' && p.panels) problems.push(`panel "${p.title}" holds panels but is not a row`);
  }
  for (const p of panels) {
    const name = `panel ${p.id} "${p.title ?? ''}"`;
    if (!p.title?.trim()) problems.push(`${name} has no title`);
    if (!p.gridPos) problems.push(`${name} has no gridPos`);
    if (p.type === 'row') continue;
    if (p.datasource?.uid !== DS_UID) problems.push(`${name}: datasource ${JSON.stringify(p.datasource)}, not the variable ${DS_UID}`);
    if (!p.fieldConfig?.defaults?.unit) problems.push(`${name} sets no unit`);
    const targets = p.targets ?? [];
    if (targets.length === 0) problems.push(`${name} has no query`);
    const refIds = targets.map((t) => t.refId);
    for (const t of targets) {
      if (!t.expr?.trim()) problems.push(`${name} ${t.refId}: no expression`);
      if (t.datasource && t.datasource.uid !== DS_UID) problems.push(`${name} ${t.refId}: datasource ${JSON.stringify(t.datasource)}, not ${DS_UID}`);
      if (!t.refId || refIds.indexOf(t.refId) !== refIds.lastIndexOf(t.refId)) problems.push(`${name}: refId ${t.refId} missing or repeated`);
    }
  }
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    if (v.datasource?.uid !== DS_UID) problems.push(`variable ${v.name}: datasource ${JSON.stringify(v.datasource)}, not ${DS_UID}`);
    if (!labelValues(variableQuery(v) ?? '')) problems.push(`variable ${v.name}: "${variableQuery(v)}" is not label_values(selector, label)`);
  }
  fail(problems);
});

test(`${DASHBOARD}: every expression names documented families and labels, counters through rate() or increase()`, () => {
  const d = readDashboard();
  const families = documentedFamilies();
  const variables = new Set((d.templating?.list ?? []).map((v) => v.name));
  const queries = dashboardQueries(d);
  assert.ok(queries.length > 40, `the dashboard has its queries (found ${queries.length})`);
  const shown = new Set<string>();
  const problems: string[] = [];
  for (const q of queries) {
    const uses = metricUses(q.expr);
    if (uses.length === 0) problems.push(`${q.where}: no metric in "${q.expr}"`);
    const labels = new Set(TARGET_LABELS);
    for (const u of uses) {
      const f = familyOf(u.name, families);
      if (!f) {
        problems.push(`${q.where}: ${u.name} is no family docs/metrics.md documents (nor a histogram's _bucket, _sum or _count)`);
        continue;
      }
      shown.add(f.family);
      for (const l of f.labels) labels.add(l);
      for (const l of u.labels) {
        if (!TARGET_LABELS.includes(l) && !f.labels.includes(l)) problems.push(`${q.where}: ${u.name} is selected by "${l}", a label docs/metrics.md does not give it (${f.labels.join(', ') || 'none'})`);
      }
      const counterLike = f.type === 'counter' || f.type === 'histogram';
      if (counterLike && q.label === undefined) {
        if (u.fn !== 'rate' && u.fn !== 'increase') problems.push(`${q.where}: the ${f.type} ${u.name} is read by ${u.fn ?? 'nothing'}, not rate() or increase()`);
        if (!COUNTER_RANGES.has(u.range ?? '')) problems.push(`${q.where}: ${u.name} over [${u.range ?? ''}], not [$__rate_interval] (or [$__range] for a total over the time range)`);
      }
      if (!counterLike && u.range !== undefined && !u.fn?.endsWith('_over_time')) problems.push(`${q.where}: the gauge ${u.name} has a range [${u.range}] outside an _over_time function`);
    }
    const grouping = groupingLabels(q.expr);
    for (const l of grouping) if (!labels.has(l)) problems.push(`${q.where}: groups by "${l}", which no metric of it has`);
    for (const l of legendLabels(q.legend)) if (!grouping.includes(l)) problems.push(`${q.where}: the legend shows {{${l}}}, which the expression does not keep (by ...)`);
    if (q.label !== undefined && !labels.has(q.label)) problems.push(`${q.where}: lists values of "${q.label}", which ${uses.map((u) => u.name).join(', ')} does not have`);
    for (const v of variablesUsed(q.expr)) if (!variables.has(v) && !BUILTIN.has(v)) problems.push(`${q.where}: uses $${v}, which is no variable of the dashboard`);
  }
  for (const name of families.keys()) {
    if (!shown.has(name) && !(name in LEFT_OUT)) problems.push(`${name} is documented but on no panel: show it, or list it in LEFT_OUT with the reason`);
    if (shown.has(name) && name in LEFT_OUT) problems.push(`${name} is on a panel and listed in LEFT_OUT`);
  }
  for (const name of Object.keys(LEFT_OUT)) if (!families.has(name)) problems.push(`LEFT_OUT names ${name}, which docs/metrics.md no longer documents`);
  fail(problems);
});

test('the expression scanner finds names, selectors, ranges and functions, and skips the rest', () => {
  const uses = metricUses('histogram_quantile(0.99, sum by (le, worker) (rate(a_bucket{job=~"$job", le="0.1"}[$__rate_interval]))) / on (x) b and c offset 5m + max_over_time(d[5m]) + sum without (y) (e)');
  assert.deepEqual(uses.map((u) => [u.name, u.labels, u.range, u.fn]), [
    ['a_bucket', ['job', 'le'], '$__rate_interval', 'rate'],
    ['b', [], undefined, undefined],
    ['c', [], undefined, undefined],
    ['d', [], '5m', 'max_over_time'],
    ['e', [], undefined, 'sum'],
  ]);
  assert.deepEqual(groupingLabels('sum by (le, worker) (x) - sum without(a) (y)'), ['le', 'worker', 'a']);
  assert.deepEqual(legendLabels('worker {{worker}} {{ direction }}'), ['worker', 'direction']);
  assert.deepEqual(labelValues('label_values(up{job=~"$job"}, instance)'), { selector: 'up{job=~"$job"}', label: 'instance' });
  assert.deepEqual(variablesUsed('x{a=~"$job", b="${worker}"}[$__range]'), ['job', 'worker', '__range']);
});
