// The status page as a browser shows it: a real master with 4 workers and 3 connections held,
// /status rendered by headless Chromium. Its worker rows and listener blocks match
// `portplex status --json` from the admin socket, its script refreshed it, it refers to nothing
// off the machine, and /status.json has the admin answer's shape. Writes a screenshot for a
// person: to docs/images/status.png with PORTPLEX_WRITE_SCREENSHOTS=1, else to a temp dir.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hostPort } from '../../src/address.js';
import { shapeProblem } from '../../src/admin/answer-shape.js';
import { STATUS } from '../../src/admin/answer-shapes.js';
import { dumpDom, screenshot } from '../helpers/chromium.js';
import { cliMetricsPort, cliPort, firstLine, fixture, handedOver, portplex, ROOT, runCli } from '../helpers/cluster.js';

/** Where an object of the page's JSON differs from the admin answer's: keys missing or of another type; and the keys it adds. */
function compareShape(admin: unknown, page: unknown, at: string, out: { problems: string[]; added: string[] }): void {
  const kind = (v: unknown) => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v);
  if (kind(admin) !== kind(page)) {
    out.problems.push(`${at}: ${kind(admin)} in the admin answer, ${kind(page)} in /status.json`);
    return;
  }
  if (Array.isArray(admin)) {
    const p = page as unknown[];
    if (admin.length !== p.length) out.problems.push(`${at}: ${admin.length} items in the admin answer, ${p.length} in /status.json`);
    admin.forEach((item, i) => compareShape(item, p[i], `${at}[${i}]`, out));
    return;
  }
  if (kind(admin) !== 'object') return;
  const a = admin as Record<string, unknown>;
  const p = page as Record<string, unknown>;
  for (const key of Object.keys(a)) {
    if (!(key in p)) out.problems.push(`${at}.${key}: missing from /status.json`);
    else compareShape(a[key], p[key], `${at}.${key}`, out);
  }
  for (const key of Object.keys(p)) if (!(key in a)) out.added.push(`${at}.${key}`);
}

/** The worker rows of the rendered DOM: colour, id and each cell by column name. */
function workerRows(dom: string): Array<{ tone: string; cells: Record<string, string> }> {
  const table = /<table id="workers">([\s\S]*?)<\/table>/.exec(dom)?.[1];
  assert.ok(table, `the page has a workers table:\n${dom.slice(0, 2000)}`);
  const heads = [...table.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]!);
  return [...table.matchAll(/<tr class="(\w+)" data-worker="\d+">(.*?)<\/tr>/g)].map((m) => ({
    tone: m[1]!,
    cells: Object.fromEntries([...m[2]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c, i) => [heads[i]!, c[1]!])),
  }));
}

test('/status in Chromium: worker rows and listeners as portplex status --json says, refreshed, nothing off the machine', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-status-page-'));
  const sock = join(dir, 'admin.sock');
  const cli = runCli(['-w', '4', '-l', '127.0.0.1:0', '--metrics', '127.0.0.1:0', '--admin', sock, fixture('hold.js')]);
  const held: Array<{ line: string; socket: net.Socket }> = [];
  try {
    const port = await cliPort(cli.output);
    const metricsPort = await cliMetricsPort(cli.output);
    for (let i = 0; i < 3; i++) {
      held.push(await firstLine(port));
      await handedOver(sock, i + 1);
    }
    // A drained worker, for an amber row.
    assert.equal((await portplex('drain', '2', '--admin', sock)).code, 0);
    // Every worker has answered a heartbeat (cpu, memory, requests no longer null), so the admin
    // answer and /status.json below have the same shape whenever each is taken.
    const reported = (w: { cpuPercent: number | null; requests: number | null }): boolean => w.cpuPercent !== null && w.requests !== null;
    const deadline = Date.now() + 20000;
    let status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout);
    while (!status.workers.every(reported)) {
      assert.ok(Date.now() < deadline, `every worker's first heartbeat answer within 20 s: ${JSON.stringify(status.workers)}`);
      status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout);
    }
    // Chromium resolves only localhost (test/helpers/chromium.ts), which is where the endpoint listens.
    const page = `http://localhost:${metricsPort}/status`;
    const dom = await dumpDom(page);

    const rows = workerRows(dom);
    assert.deepEqual(
      rows.map(({ cells: c }) => [Number(c.worker), Number(c.pid), c.state, Number(c.weight), Number(c.active)]),
      status.workers.map((w: any) => [w.id, w.pid, w.state, w.weight, w.active]),
    );
    // Active counts as the test holds them: each client was told its worker's id.
    const holds = new Map<number, number>();
    for (const h of held) holds.set(Number(h.line), (holds.get(Number(h.line)) ?? 0) + 1);
    assert.deepEqual(rows.map((r) => Number(r.cells.active)), status.workers.map((w: any) => holds.get(w.id) ?? 0));
    assert.deepEqual(rows.map((r) => r.tone), ['up', 'warn', 'up', 'up'], 'worker 2 is drained');
    const addresses = [...dom.matchAll(/<section class="listener \w+" data-listener="\d+">\s*<h3>listener \d+ <code>([^<]*)<\/code>/g)].map((m) => m[1]);
    assert.deepEqual(addresses, status.listeners.map((l: any) => hostPort(l.address, l.port, l.family)));
    assert.match(dom, /<html[^>]* data-refreshed="[1-9]/, 'the inline script ran under the CSP and swapped in a fresh copy');
    assert.doesNotMatch(dom, /<html[^>]* class="stale"/);

    // Nothing off the machine: every src and href is relative to the page.
    const links = [...dom.matchAll(/\s(?:src|href|action|srcset|poster)="([^"]*)"/g)].map((m) => m[1]!);
    assert.deepEqual(links.filter((l) => /^[a-z][a-z0-9+.-]*:|^\/\//i.test(l)), []);

    // /status.json: the admin answer's shape (what the CLI checks, and key for key), with more.
    const json = await (await fetch(`http://127.0.0.1:${metricsPort}/status.json`)).json() as any;
    assert.equal(shapeProblem(json, STATUS), undefined);
    const diff = { problems: [] as string[], added: [] as string[] };
    compareShape(status, json, 'status', diff);
    assert.deepEqual(diff.problems, []);
    assert.deepEqual(diff.added.sort(), ['status.at', 'status.queueSize', 'status.table.byListener', 'status.table.byProtocol', 'status.table.byState', 'status.table.byWorker', 'status.table.oldestAgeMs', 'status.table.retired']);
    assert.deepEqual([json.table.records, json.table.byState.established, json.table.byWorker], [3, 3, status.workers.map((w: any) => ({ worker: w.id, records: w.active }))]);

    const file = process.env.PORTPLEX_WRITE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'images', 'status.png') : join(dir, 'status.png');
    await screenshot(page, file, 1100, 800);
    const png = readFileSync(file);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1100, 800], 'of the size asked for');
    assert.ok(png.length > 10_000, `${png.length} bytes: more than a blank page`);
  } finally {
    for (const h of held) h.socket.destroy();
    cli.child.kill('SIGTERM');
    await cli.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
