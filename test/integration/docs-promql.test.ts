// The PromQL examples of docs/metrics.md parse as Prometheus parses them (promtool, as recording
// rules) and name only metric families the page documents.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { backticked, docTables, readDoc } from '../helpers/doc-tables.js';

const PAGE = 'docs/metrics.md';

/** The expressions of the page's ```promql blocks: one per line that is not a comment. */
function examples(markdown: string): string[] {
  const out: string[] = [];
  let inBlock = false;
  for (const line of markdown.split('\n')) {
    if (/^```promql\s*$/.test(line)) inBlock = true;
    else if (/^```\s*$/.test(line)) inBlock = false;
    else if (inBlock && line.trim() !== '' && !line.trim().startsWith('#')) out.push(line.trim());
  }
  return out;
}

test(`the PromQL examples of ${PAGE} pass promtool and name documented families`, () => {
  const markdown = readDoc('metrics.md');
  const exprs = examples(markdown);
  assert.ok(exprs.length >= 1, `${PAGE} has PromQL examples`);
  const families = new Set(docTables(markdown).find((t) => t.header[0] === 'metric')!.rows.flatMap((r) => backticked(r[0]!)));
  for (const e of exprs) {
    for (const name of e.match(/\bportplex_[a-z0-9_]+/g) ?? []) {
      const family = name.replace(/_(bucket|sum|count)$/, '');
      assert.ok(families.has(family) || families.has(name), `${PAGE}: the example "${e}" names ${name}, which the page does not document`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'portplex-promql-'));
  try {
    const file = join(dir, 'rules.yml');
    writeFileSync(file, ['groups:', '  - name: docs', '    rules:', ...exprs.flatMap((e, i) => [`      - record: docs:example_${i}`, `        expr: ${JSON.stringify(e)}`])].join('\n') + '\n');
    const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    assert.ok(r.error === undefined, `promtool is not installed (Debian: apt-get install -y prometheus): ${r.error?.message}`);
    assert.equal(r.status, 0, `promtool check rules failed on ${PAGE}'s examples:\n${r.stdout}${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
