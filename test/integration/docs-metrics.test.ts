// docs/metrics.md lists every portplex_* family a real master's /metrics serves, with its type
// and labels, and no family it no longer serves; the endpoints the page names answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startMetricsServer } from '../../src/metrics/http-endpoint.js';
import { createMasterMetrics } from '../../src/metrics/master-metrics.js';
import { backticked, column, docTables, duplicates, nameDiff, readDoc } from '../helpers/doc-tables.js';
import { fixture, startMaster } from '../helpers/cluster.js';
import { parseExposition } from '../helpers/prom-text.js';

const PAGE = 'docs/metrics.md';

function fail(problems: string[]): void {
  assert.deepEqual(problems, [], `\n  ${problems.join('\n  ')}\n`);
}

test('docs/metrics.md documents every metric family /metrics serves, with its type and labels', async () => {
  // Worker metrics on (the default), so the scrape carries the worker-scrape counters too.
  const { master } = await startMaster({ script: fixture('http-app.js'), workers: 1 });
  const metrics = createMasterMetrics(master);
  const server = await startMetricsServer(master, metrics.registry, { port: 0 });
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(res.status, 200);
    // prom-client declares every registered family (# TYPE), with or without samples yet, so no
    // traffic is needed for a family to show.
    const scraped = parseExposition(await res.text());
    const families = new Map<string, { type: string; labels: Set<string> }>();
    for (const [name, type] of scraped.types) if (name.startsWith('portplex_')) families.set(name, { type, labels: new Set() });
    // Label names as registered (a family without samples yet shows none), else as seen.
    for (const m of metrics.registry.getMetricsAsArray() as unknown as Array<{ name: string; labelNames?: string[] }>) {
      for (const l of m.labelNames ?? []) families.get(m.name)?.labels.add(l);
    }
    for (const s of scraped.samples) {
      const family = families.get(s.name) ?? families.get(s.name.replace(/_(bucket|sum|count)$/, ''));
      for (const l of Object.keys(s.labels)) if (l !== 'le') family?.labels.add(l);
    }
    assert.ok(families.size > 30, `a real scrape has portplex's families (found ${families.size})`);

    const table = docTables(readDoc('metrics.md')).find((t) => t.header[0] === 'metric');
    assert.ok(table, `${PAGE} has a table whose first column is "metric"`);
    const typeCol = column(table, 'type', PAGE);
    const labelsCol = column(table, 'labels', PAGE);
    const names = table.rows.map((r) => backticked(r[0])[0] ?? r[0]);
    const problems = duplicates(names).map((n) => `${PAGE}: ${n} is documented twice`);
    problems.push(...nameDiff(PAGE, '', families.keys(), names));
    table.rows.forEach((row, i) => {
      const family = families.get(names[i]);
      if (!family) return;
      const type = row[typeCol]?.trim() ?? '';
      if (type !== family.type) problems.push(`${PAGE}: ${names[i]} is a ${family.type} on /metrics, the page says ${type || 'nothing'}`);
      const labels = backticked(row[labelsCol] ?? '');
      problems.push(...nameDiff(PAGE, `${names[i]} label `, family.labels, labels));
    });

    // The endpoints the page names exist (a removed one would answer 404).
    const endpoints = docTables(readDoc('metrics.md')).find((t) => t.header[0] === 'path');
    assert.ok(endpoints, `${PAGE} has a table of endpoints whose first column is "path"`);
    for (const row of endpoints.rows) {
      const path = backticked(row[0])[0] ?? row[0];
      const status = (await fetch(`http://127.0.0.1:${server.port}${path}`)).status;
      if (status === 404) problems.push(`${PAGE} documents the endpoint ${path}, which answers 404 (stale)`);
    }
    fail(problems);
  } finally {
    await master.stop();
    await server.close();
    metrics.close();
  }
});
