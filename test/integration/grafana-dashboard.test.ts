// Every expression of examples/grafana/portplex.json, as Grafana would send it, returns data from
// a real Prometheus scraping a real master: two workers behind a TCP and a UDP listener, HTTP
// requests enough for each process to be recycled (maxConnectionsServed), datagrams on two flows,
// and one worker killed. The variables are resolved as Grafana resolves "All": from their own
// label_values() queries, in order, so a variable that lists nothing or a panel filtering a
// metric by a label it lacks comes back empty and fails, naming the panel.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startMetricsServer } from '../../src/metrics/http-endpoint.js';
import { createMasterMetrics } from '../../src/metrics/master-metrics.js';
import type { Master } from '../../src/master/master.js';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';
import { dashboardQueries, legendLabels, metricUses, readDashboard, type Query } from '../helpers/grafana.js';
import { instantQuery, JOB, startPrometheus, stopPrometheus, type Prometheus, type Series } from '../helpers/prometheus.js';
import { UdpClient, freeTcpUdpPort } from '../helpers/udp.js';

/** Connections one process serves before it is recycled. */
const RECYCLE_AFTER = 8;
/** What $__rate_interval and $__range stand for: longer than the whole test, so every event is in the window (Grafana's would be 4 s at this 1 s scrape interval). */
const WINDOW = '2m';
/** Families whose panels must show more than 0: the test caused their events. */
const CAUSED = [
  'portplex_connections_accepted_total', 'portplex_connections_handed_over_total',
  'portplex_worker_up', 'portplex_worker_ready', 'portplex_worker_uptime_seconds',
  'portplex_worker_resident_memory_bytes', 'portplex_worker_heap_used_bytes',
  'portplex_worker_restarts_total', 'portplex_worker_exits_total', 'portplex_worker_recycles_total',
  'portplex_udp_datagrams_received_total', 'portplex_udp_datagrams_total', 'portplex_udp_bytes_total',
  'portplex_udp_flows_created_total', 'portplex_udp_flows_purged_total',
];

/** Polls `check` (true when done) every 250 ms until `ms`; fails with what `explain` says then. */
async function until(check: () => Promise<boolean>, ms: number, explain: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${explain()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every worker serves both listeners (its dgram bind comes a moment after its HTTP listen). */
function allServing(master: Master): boolean {
  return master.workers().every((w) => w.state === 'ready' && w.listening.length === 2);
}

/** A value list as Grafana writes a multi-value variable into a regex matcher: (a|b), each escaped. */
function regexOf(values: string[]): string {
  return `(${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|')})`;
}

/** `expr` with Grafana's interval variables and the dashboard's own replaced. */
function substitute(expr: string, variables: Map<string, string>): string {
  let out = expr.replace(/\$__rate_interval|\$__range|\$__interval/g, WINDOW);
  for (const [name, value] of variables) out = out.replace(new RegExp(`\\$\\{${name}\\}|\\$${name}(?!\\w)`, 'g'), value);
  return out;
}

/** What is wrong with one query's answer, if anything. */
function problemsOf(q: Query, expr: string, answer: { series: Series[]; error?: string; body: string }): string[] {
  if (answer.error) return [`${q.where}: Prometheus refused "${expr}": ${answer.error}`];
  if (answer.series.length === 0) return [`${q.where}: no series for "${expr}"`];
  const values = answer.series.map((s) => Number(s.value[1]));
  const problems: string[] = [];
  if (!values.some(Number.isFinite)) problems.push(`${q.where}: only NaN (no data in the window) for "${expr}": ${answer.body}`);
  if (metricUses(q.expr).some((u) => CAUSED.includes(u.name)) && !values.some((v) => v > 0)) problems.push(`${q.where}: all 0 after the events the test caused, for "${expr}": ${answer.body}`);
  for (const l of legendLabels(q.legend)) {
    if (answer.series.some((s) => !(l in s.metric))) problems.push(`${q.where}: a series without the legend's label "${l}": ${answer.body}`);
  }
  return problems;
}

test('every expression of the Grafana dashboard returns data from a real Prometheus', { timeout: 120000 }, async (t) => {
  const started = Date.now();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portplex-grafana-'));
  const port = await freeTcpUdpPort();
  const { master } = await startMaster({
    script: fixture('http-udp-app.js'), workers: 2, listen: [`127.0.0.1:${port}`, `udp:127.0.0.1:${port}`],
    maxConnectionsServed: RECYCLE_AFTER, healthInterval: 200, minUptime: 100,
  });
  const metrics = createMasterMetrics(master);
  const server = await startMetricsServer(master, metrics.registry, { port: 0 });
  const clients = [await UdpClient.open(), await UdpClient.open()];
  let prometheus: Prometheus | undefined;
  try {
    prometheus = await startPrometheus(dir, `127.0.0.1:${server.port}`);
    const prom = prometheus;
    // A first scrape before any event: every counter has a sample at 0, so rate() sees each event.
    await until(async () => (await instantQuery(prom.port, `up{job="${JOB}"} == 1`)).series.length === 1, 20000, () => `no successful scrape; prometheus output:\n${prom.log()}`);

    // HTTP until each process has passed its count and has been replaced, new one first.
    await waitFor(() => allServing(master), 10000, 'both workers serving TCP and UDP');
    for (let i = 0; i < 2 * RECYCLE_AFTER + 2; i++) assert.equal((await get(port, `/r${i}`)).status, 200);
    await waitFor(() => master.workers().every((w) => w.recycles.connections >= 1) && allServing(master), 15000, 'a recycle of each worker');

    // Two flows, then the worker holding the first is killed: its flows are purged, it restarts.
    for (const [i, c] of clients.entries()) for (let n = 0; n < 3; n++) await c.ask(port, `q${i}.${n}`);
    const victim = master.connections({ protocol: 'udp' })[0]!.worker!;
    const pid = master.workers().find((w) => w.id === victim)!.pid;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => master.workers().find((w) => w.id === victim)!.restarts === 1 && allServing(master), 15000, `worker ${victim} restarted`);
    // Traffic after the restart, so the windows hold hand-overs to the new process too.
    for (let i = 0; i < 4; i++) assert.equal((await get(port, `/after${i}`)).status, 200);
    for (const c of clients) await c.ask(port, 'again');

    // Prometheus has scraped all of it.
    const handedOver = master.stats.handedOver;
    const seen = async (expr: string): Promise<string | undefined> => (await instantQuery(prom.port, expr)).series[0]?.value[1];
    const caughtUp: Array<[string, string]> = [
      [`sum(portplex_connections_handed_over_total{job="${JOB}"})`, String(handedOver)],
      [`sum(portplex_worker_restarts_total{job="${JOB}"})`, '1'],
      [`sum(portplex_udp_datagrams_received_total{job="${JOB}"})`, String(clients.length * 4)],
    ];
    let last: string[] = [];
    await until(async () => {
      last = await Promise.all(caughtUp.map(([e]) => seen(e).then((v) => v ?? 'nothing')));
      return last.every((v, i) => v === caughtUp[i]![1]);
    }, 20000, () => caughtUp.map(([e, want], i) => `${e} = ${last[i]}, want ${want}`).join('; '));

    const variables = new Map<string, string>();
    const problems: string[] = [];
    let evaluated = 0;
    for (const q of dashboardQueries(readDashboard())) {
      const expr = substitute(q.expr, variables);
      const answer = await instantQuery(prom.port, expr);
      evaluated++;
      if (q.label === undefined) {
        problems.push(...problemsOf(q, expr, answer));
        continue;
      }
      // A variable: the values of its label, which the next variables and the panels use.
      const values = [...new Set(answer.series.map((s) => s.metric[q.label!]).filter((v): v is string => v !== undefined))].sort();
      if (answer.error || values.length === 0) problems.push(`${q.where}: no values of "${q.label}" from "${expr}": ${answer.error ?? answer.body}`);
      variables.set(q.owner, regexOf(values));
    }
    assert.deepEqual(problems, [], `\n  ${problems.join('\n  ')}\n`);
    assert.deepEqual([...variables.keys()], ['job', 'instance', 'listener', 'worker']);
    assert.equal(variables.get('listener'), '(0|1)', 'both listeners listed');
    assert.equal(variables.get('worker'), '(1|2)', 'both workers listed');
    assert.ok(evaluated > 40, `expressions evaluated: ${evaluated}`);
    t.diagnostic(`${evaluated} expressions answered, ${Date.now() - started} ms from the start`);
  } finally {
    for (const c of clients) c.close();
    if (prometheus) await stopPrometheus(prometheus.child);
    await master.stop();
    await server.close();
    metrics.close();
    await rm(dir, { recursive: true, force: true });
  }
});
