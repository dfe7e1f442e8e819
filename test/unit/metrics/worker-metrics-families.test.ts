// Worker families on the master side: aggregation, per-worker labels, naming in 'both' mode, and
// everything a worker may send that must be left out rather than break the scrape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { byWorkerName, joinExpositions, workerExposition, type WorkerAnswer, type WorkerMetricsMode } from '../../../src/metrics/worker-families.js';
import { parseExposition, select, sum, value } from '../../helpers/prom-text.js';

const counter = (name: string, v: number, labels: Record<string, string | number> = {}) =>
  ({ name, help: `${name} help`, type: 'counter', aggregator: 'sum', values: [{ labels, value: v }] });
const gauge = (name: string, v: number | null, aggregator = 'sum') =>
  ({ name, help: `${name} help`, type: 'gauge', aggregator, values: [{ labels: {}, value: v }] });
const histogram = (name: string, counts: [number, number], total: number) => ({
  name, help: `${name} help`, type: 'histogram', aggregator: 'sum',
  values: [
    { labels: { le: 0.1 }, value: counts[0], metricName: `${name}_bucket` },
    { labels: { le: '+Inf' }, value: counts[1], metricName: `${name}_bucket` },
    { labels: {}, value: total, metricName: `${name}_sum` },
    { labels: {}, value: counts[1], metricName: `${name}_count` },
  ],
});

async function render(answers: WorkerAnswer[], mode: WorkerMetricsMode, reserved: string[] = [], contentType = Registry.PROMETHEUS_CONTENT_TYPE) {
  const x = workerExposition(answers, { mode, reserved, contentType });
  const text = joinExpositions(await Promise.all(x.registries.map((r) => r.metrics())), contentType);
  return { text, e: parseExposition(text.replace(/^# EOF$/m, '')), dropped: x.dropped };
}

const TWO: WorkerAnswer[] = [
  { worker: 2, metrics: [counter('app_requests_total', 4, { code: 200 }), gauge('app_inflight', 1), gauge('app_start_seconds', 7, 'omit'), histogram('app_latency_seconds', [3, 4], 0.5)] },
  { worker: 1, metrics: [counter('app_requests_total', 6, { code: 200 }), gauge('app_inflight', 2), gauge('app_start_seconds', 9, 'omit'), histogram('app_latency_seconds', [1, 6], 1.5)] },
];

test('aggregate: one series per label set, combined by each family\'s aggregator', async () => {
  const { e } = await render(TWO, 'aggregate');
  assert.equal(value(e, 'app_requests_total', { code: '200' }), 10);
  assert.equal(value(e, 'app_inflight'), 3);
  assert.equal(select(e, 'app_start_seconds').length, 0, "'omit' leaves the family out of the aggregate");
  assert.equal(value(e, 'app_latency_seconds_bucket', { le: '0.1' }), 4);
  assert.equal(value(e, 'app_latency_seconds_bucket', { le: '+Inf' }), 10);
  assert.equal(value(e, 'app_latency_seconds_count'), 10);
  assert.equal(value(e, 'app_latency_seconds_sum'), 2);
  assert.ok(e.samples.every((s) => !('worker' in s.labels)));
});

test('per-worker: the same names with a worker label, omitted families included', async () => {
  const { e } = await render(TWO, 'per-worker');
  assert.equal(value(e, 'app_requests_total', { worker: '1', code: '200' }), 6);
  assert.equal(value(e, 'app_requests_total', { worker: '2', code: '200' }), 4);
  assert.equal(select(e, 'app_requests_total').length, 2, 'no unlabelled aggregate beside them');
  assert.equal(value(e, 'app_start_seconds', { worker: '1' }), 9);
  assert.equal(value(e, 'app_latency_seconds_bucket', { worker: '2', le: '+Inf' }), 4);
  assert.equal(e.types.get('app_latency_seconds'), 'histogram');
});

test("both: the aggregate under the application's names, per-worker series under _by_worker", async () => {
  const { e, text } = await render(TWO, 'both');
  assert.equal(value(e, 'app_requests_total', { code: '200' }), 10);
  assert.equal(value(e, 'app_requests_by_worker_total', { worker: '1', code: '200' }), 6);
  assert.equal(e.types.get('app_requests_by_worker_total'), 'counter');
  assert.equal(value(e, 'app_inflight_by_worker', { worker: '2' }), 1);
  assert.equal(value(e, 'app_latency_seconds_by_worker_count', { worker: '1' }), 6);
  assert.equal(e.types.get('app_latency_seconds_by_worker'), 'histogram');
  // Each family is declared once.
  const declared = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
  assert.equal(new Set(declared).size, declared.length);
  assert.equal(byWorkerName('x_total', 'counter'), 'x_by_worker_total');
  assert.equal(byWorkerName('x_total', 'gauge'), 'x_total_by_worker');
  assert.equal(byWorkerName('x', 'counter'), 'x_by_worker');
});

test('off: nothing', async () => {
  const x = workerExposition(TWO, { mode: 'off', reserved: [] });
  assert.deepEqual(x.registries, []);
});

test("portplex_* names and the master's own names are the master's: a worker's copy is dropped", async () => {
  const answers: WorkerAnswer[] = [
    { worker: 1, metrics: [counter('portplex_connections_accepted_total', 5), gauge('master_thing', 1), counter('app_requests_total', 1)] },
    { worker: 2, metrics: [counter('portplex_connections_accepted_total', 5), counter('app_requests_total', 1)] },
  ];
  const { e, dropped } = await render(answers, 'aggregate', ['master_thing']);
  assert.equal(select(e, 'portplex_connections_accepted_total').length, 0);
  assert.equal(select(e, 'master_thing').length, 0);
  assert.equal(value(e, 'app_requests_total'), 2);
  assert.equal(dropped.name_clash, 3);
});

test("a family whose type differs from the first worker's is dropped; so are x_total vs x", async () => {
  const answers: WorkerAnswer[] = [
    { worker: 1, metrics: [counter('app_jobs_total', 1), gauge('app_queue', 1)] },
    { worker: 2, metrics: [gauge('app_jobs_total', 5), gauge('app_queue', 2)] },
    { worker: 3, metrics: [gauge('app_jobs', 5)] },
  ];
  const { e, dropped } = await render(answers, 'aggregate');
  assert.equal(value(e, 'app_jobs_total'), 1);
  assert.equal(e.types.get('app_jobs_total'), 'counter');
  assert.equal(value(e, 'app_queue'), 3);
  assert.equal(select(e, 'app_jobs').length, 0, 'app_jobs is app_jobs_total in OpenMetrics');
  assert.deepEqual(dropped, { name_clash: 1, label_clash: 0, type_mismatch: 1, invalid: 0 });
});

test('malformed families are dropped one by one and never fail the scrape', async () => {
  const bad: unknown[] = [
    null, 'x', { name: 'bad name', help: '', type: 'gauge', values: [] },
    { name: 'app_a', help: 'h', type: 'untyped', values: [] },
    { name: 'app_b', help: 'h', type: 'gauge', aggregator: 'median', values: [] },
    { name: 'app_c', help: 'h', type: 'gauge', values: [{ labels: { 'bad-label': 1 }, value: 1 }] },
    { name: 'app_d', help: 'h', type: 'gauge', values: [{ labels: {}, value: '1' }] },
    // A sample named outside its family would slip past the name checks.
    { name: 'app_e', help: 'h', type: 'histogram', values: [{ labels: {}, value: 1, metricName: 'portplex_x' }] },
    { name: 'app_f', help: 'h', type: 'gauge', values: [{ labels: { __name__: 'y' }, value: 1 }] },
    { name: 'app_g', help: 'h', type: 'gauge', values: {} },
    counter('app_ok_total', 1), counter('app_ok_total', 2),
  ];
  const { e, dropped } = await render([{ worker: 1, metrics: bad }], 'both');
  assert.equal(value(e, 'app_ok_total'), 1, 'the first of a duplicated name is kept');
  assert.equal(value(e, 'app_ok_by_worker_total', { worker: '1' }), 1);
  assert.equal(dropped.invalid, 11);
  assert.deepEqual([...e.types.keys()].sort(), ['app_ok_by_worker_total', 'app_ok_total']);
});

test('a missing aggregator means sum; null (NaN over JSON IPC) renders as NaN', async () => {
  const { e } = await render([
    { worker: 1, metrics: [{ name: 'app_n', help: 'h', type: 'gauge', values: [{ labels: {}, value: 2 }] }, gauge('app_nan', null, 'first')] },
    { worker: 2, metrics: [{ name: 'app_n', help: 'h', type: 'gauge', values: [{ labels: {}, value: 3 }] }] },
  ], 'aggregate');
  assert.equal(value(e, 'app_n'), 5);
  assert.ok(Number.isNaN(value(e, 'app_nan')));
});

test('per-worker series of a family that already has a worker label are dropped (label_clash)', async () => {
  const answers: WorkerAnswer[] = [{ worker: 1, metrics: [counter('app_jobs_total', 1, { worker: 'a' })] }];
  const per = await render(answers, 'per-worker');
  assert.equal(select(per.e, 'app_jobs_total').length, 0);
  assert.equal(per.dropped.label_clash, 1);
  const both = await render(answers, 'both');
  assert.equal(value(both.e, 'app_jobs_total', { worker: 'a' }), 1, 'the aggregate keeps it');
});

test("'both' drops a generated name that an application family already uses", async () => {
  const answers: WorkerAnswer[] = [{ worker: 1, metrics: [gauge('app_x', 1), gauge('app_x_by_worker', 2)] }];
  const { e, dropped } = await render(answers, 'both');
  assert.equal(value(e, 'app_x_by_worker'), 2, "the application's own family");
  assert.equal(select(e, 'app_x_by_worker', { worker: '1' }).length, 0);
  assert.equal(value(e, 'app_x_by_worker_by_worker', { worker: '1' }), 2, 'a name of its own is fine');
  assert.equal(dropped.name_clash, 1);
});

test("'both' never renames two families into one", async () => {
  // x_total (gauge) -> x_total_by_worker; x_total_total (counter) -> x_total_by_worker_total: one family.
  const answers: WorkerAnswer[] = [{ worker: 1, metrics: [gauge('app_x_total', 1), counter('app_x_total_total', 2)] }];
  const { e, dropped } = await render(answers, 'both');
  assert.equal(value(e, 'app_x_total_by_worker', { worker: '1' }), 1);
  assert.equal(select(e, 'app_x_total_by_worker_total').length, 0);
  assert.equal(dropped.name_clash, 1);
});

test('OpenMetrics: counters render as <family> with _total samples, and one # EOF at the end', async () => {
  const master = '# HELP portplex_up h\n# TYPE portplex_up gauge\nportplex_up 1\n# EOF\n';
  const x = workerExposition(TWO, { mode: 'both', reserved: [], contentType: Registry.OPENMETRICS_CONTENT_TYPE });
  const text = joinExpositions([master, ...(await Promise.all(x.registries.map((r) => r.metrics())))], Registry.OPENMETRICS_CONTENT_TYPE);
  assert.equal(text.match(/# EOF/g)?.length, 1);
  assert.ok(text.endsWith('# EOF\n'));
  assert.doesNotMatch(text, /\n\n/, 'OpenMetrics allows no blank lines');
  assert.match(text, /^# TYPE app_requests counter$/m);
  assert.match(text, /^app_requests_total\{code="200"\} 10$/m);
  assert.match(text, /^# TYPE app_requests_by_worker counter$/m);
  assert.match(text, /^app_requests_by_worker_total\{code="200",worker="1"\} 6$/m);
});

test('joinExpositions keeps each part and ends with one newline', () => {
  assert.equal(joinExpositions(['a 1\n\n', '', 'b 2\n'], Registry.PROMETHEUS_CONTENT_TYPE), 'a 1\nb 2\n');
  assert.equal(sum(parseExposition(joinExpositions(['a 1\n', 'a 2\n'], Registry.PROMETHEUS_CONTENT_TYPE)), 'a'), 3);
});
