// The status page's HTML: every string from config or workers escaped, a row per worker with its
// colour, numbers right-aligned, a block per listener, and nothing that loads from elsewhere.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { ListenerInfo } from '../../../src/master/master.js';
import type { WorkerInfo } from '../../../src/master/worker-info.js';
import { listenerTone, renderStatusPage, STATUS_PAGE_CSP, workerTone, type StatusView } from '../../../src/metrics/status-page.js';

const HOSTILE = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>&amp;`;
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp;';

function worker(id: number, over: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    id, group: 'web', pid: 1000 + id, state: 'ready', weight: 1, active: id, handedOver: 10 * id, accepted: 0, restarts: 0, listening: [0],
    uptimeMs: 65_000, healthy: true, loopDelayMs: 2, rttMs: 1, cpuPercent: 1.5, rssBytes: 50 * 1024 ** 2, heapUsedBytes: 8 * 1024 ** 2,
    connectionsPerSecond: 3.25, requests: null, recycles: { memory: 0, connections: 0, requests: 0, lifetime: 0 }, ...over,
  };
}

function listener(index: number, over: Partial<ListenerInfo> = {}): ListenerInfo {
  return {
    index, protocol: 'tcp', address: '127.0.0.1', port: 8080 + index, family: 'IPv4', group: 'web', groups: ['web'], algorithm: 'round-robin',
    mode: 'dispatch', onDemand: false, closed: false, origin: 'bound', ...over,
  };
}

function view(workers: WorkerInfo[], listeners: ListenerInfo[] = [listener(0)]): StatusView {
  const active = workers.reduce((s, w) => s + w.active, 0);
  return {
    version: '1.2.3', pid: 4242, state: 'serving', uptimeMs: 3_600_000, listeners, workers,
    table: {
      records: active + 1, byState: { queued: 1, 'handing-over': 0, established: active }, byProtocol: { tcp: active + 1, udp: 0 },
      byWorker: workers.map((w) => ({ worker: w.id, records: w.active })), retired: 0,
      byListener: listeners.map((l) => ({ listener: l.index, queued: l.index === 0 ? 1 : 0, 'handing-over': 0, established: l.index === 0 ? active : 0 })),
      oldestAgeMs: 125_000,
    },
    stats: {
      accepted: listeners.map(() => 7), queued: listeners.map((l) => (l.index === 0 ? 1 : 0)), handedOver: 6,
      dropped: { queue_full: 1, queue_timeout: 0, handoff_failed: 0, shutdown: 0, accept_failed: 0, table_full: 0, fd_limit: 0, preread_timeout: 0, preread_shed: 0, client_closed: 0, proxy_invalid: 0, content_invalid: 0, rescued_silent: 0 },
      retries: { refused: 0, timeout: 2, worker_exit: 0 },
      brokenChannels: {} as StatusView['stats']['brokenChannels'],
    },
    udp: { flows: 0, received: listeners.map(() => 0), dropped: { no_worker: 0, oversize: 0, flow_limit: 0, queue_full: 0, worker_gone: 0, send_error: 0, shutdown: 0 } },
    queueSize: 1024,
    at: Date.UTC(2026, 0, 2, 3, 4, 5),
  };
}

/** The worker rows: class, data-worker, and the text of each cell by column name. */
function rows(page: string): Array<{ tone: string; id: string; cells: Record<string, string>; numeric: string[] }> {
  const table = /<table id="workers">([\s\S]*?)<\/table>/.exec(page)![1]!;
  const heads = [...table.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]!);
  return [...table.matchAll(/<tr class="(\w+)" data-worker="(\d+)">(.*?)<\/tr>/g)].map((m) => {
    const cells = [...m[3]!.matchAll(/<td( class="n")?>([^<]*)<\/td>/g)];
    return {
      tone: m[1]!, id: m[2]!,
      cells: Object.fromEntries(cells.map((c, i) => [heads[i]!, c[2]!])),
      numeric: cells.flatMap((c, i) => (c[1] ? [heads[i]!] : [])),
    };
  });
}

test('a hostile group name, address, path and version appear only as text', () => {
  const v = view([worker(1, { group: HOSTILE }), worker(2)], [
    listener(0, { group: HOSTILE, groups: [HOSTILE, 'web'] }),
    listener(1, { address: `/run/${HOSTILE}.sock`, family: 'unix', origin: 'systemd', fdName: HOSTILE }),
  ]);
  v.version = HOSTILE;
  const page = renderStatusPage(v);
  assert.equal(page.split('<script').length - 1, 1, 'only the page\'s own script');
  assert.doesNotMatch(page, /<img|onerror=alert\(2\)>|alert\(1\)<\/script>/);
  // Version (title h1), worker 1's group, listener 0's groups, listener 1's path and fd name.
  assert.equal(page.split(ESCAPED).length - 1, 5);
  assert.equal(rows(page)[0]!.cells.group, ESCAPED);
  assert.match(page, new RegExp(`<code>/run/${ESCAPED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.sock</code>`));
});

test('one row per worker, in order, with the figures portplex status prints; numbers right-aligned', () => {
  const page = renderStatusPage(view([worker(1), worker(2, { cpuPercent: null, rssBytes: null, heapUsedBytes: null }), worker(3, { accepted: 5 })]));
  const r = rows(page);
  assert.deepEqual(r.map((x) => x.id), ['1', '2', '3']);
  assert.deepEqual(r[0]!.cells, {
    worker: '1', group: 'web', pid: '1001', state: 'ready', health: 'up', weight: '1', active: '1', 'conn/s': '3.3', total: '10',
    cpu: '1.5%', mem: '50.0M', heap: '8.0M', loop: '2ms', restarts: '0', uptime: '1m5s',
  });
  assert.deepEqual([r[1]!.cells.cpu, r[1]!.cells.mem, r[1]!.cells.heap, r[2]!.cells.total], ['-', '-', '-', '35']);
  assert.deepEqual(r[0]!.numeric, ['worker', 'pid', 'weight', 'active', 'conn/s', 'total', 'cpu', 'mem', 'heap', 'loop', 'restarts', 'uptime']);
  assert.doesNotMatch(page, /recycled/, 'no recycles column while there are none');
  const recycled = rows(renderStatusPage(view([worker(1, { recycles: { memory: 2, connections: 0, requests: 0, lifetime: 1 } })])));
  assert.equal(recycled[0]!.cells.recycled, '2 mem, 1 life');
});

test('colours by state: green serving, amber starting, stopping or drained, red down or unhealthy', () => {
  const cases: Array<[Partial<WorkerInfo>, string]> = [
    [{}, 'up'],
    [{ state: 'starting' }, 'warn'],
    [{ state: 'stopping' }, 'warn'],
    [{ weight: 0 }, 'warn'],
    [{ state: 'exited' }, 'down'],
    [{ healthy: false }, 'down'],
    [{ healthy: false, weight: 0 }, 'down'],
    [{ state: 'starting', healthy: false }, 'down'],
  ];
  const workers = cases.map(([over], i) => worker(i + 1, over));
  assert.deepEqual(workers.map(workerTone), cases.map(([, tone]) => tone));
  assert.deepEqual(rows(renderStatusPage(view(workers))).map((r) => r.tone), cases.map(([, tone]) => tone), 'each row carries its colour');
  assert.deepEqual([listenerTone(listener(0), 1), listenerTone(listener(0), 0), listenerTone(listener(0, { closed: true }), 0)], ['up', 'down', 'warn']);
});

test('a block per listener with its address, protocol, algorithm, mode and queue', () => {
  const page = renderStatusPage(view([worker(1), worker(2, { listening: [] })], [
    listener(0),
    listener(1, { address: '::1', family: 'IPv6', mode: 'direct', algorithm: 'least-connections' }),
  ]));
  const blocks = [...page.matchAll(/<section class="listener (\w+)" data-listener="(\d+)">([\s\S]*?)<\/section>/g)];
  assert.equal(blocks.length, 2);
  const fields = (b: string) => Object.fromEntries([...b.matchAll(/<dt>([^<]*)<\/dt><dd[^>]*>([^<]*)<\/dd>/g)].map((m) => [m[1], m[2]]));
  assert.match(blocks[0]![3]!, /<code>127\.0\.0\.1:8080<\/code>/);
  assert.match(blocks[1]![3]!, /<code>\[::1\]:8081<\/code>/);
  assert.deepEqual(fields(blocks[0]![3]!), { protocol: 'tcp', mode: 'dispatch', algorithm: 'round-robin', groups: 'web', queued: '1', 'handing over': '0', established: '3', accepted: '7', 'ready workers': '1' });
  assert.deepEqual(fields(blocks[1]![3]!), { protocol: 'tcp', mode: 'direct', algorithm: 'least-connections', groups: 'web', queued: '0', 'handing over': '0', established: '0', accepted: '7', 'ready workers': '0' });
  assert.deepEqual(blocks.map((b) => b[1]), ['up', 'down'], 'a listener no ready worker serves is red');
});

test('the page loads nothing from elsewhere, and its CSP allows exactly its own style and script', () => {
  const page = renderStatusPage(view([worker(1)]));
  const links = [...page.matchAll(/\b(?:src|href|action)\s*=\s*"([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(links, ['status.json']);
  assert.doesNotMatch(page, /https?:|\/\/[a-z]|url\(|@import/i);
  const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
  const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
  const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
  assert.equal(STATUS_PAGE_CSP, `default-src 'none'; style-src ${sha(style)}; script-src ${sha(script)}; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
  assert.doesNotMatch(page, / style="/, 'no style attribute: the CSP would block it');
  assert.match(page, /<noscript><meta http-equiv="refresh" content="2"><\/noscript>/);
});

test('the summary: totals, records by state and protocol, the oldest record, the time of the view', () => {
  const page = renderStatusPage(view([worker(1), worker(2)]));
  const cells = (id: string) => Object.fromEntries([.../* the summary tables */ new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(page)![1]!.matchAll(/<tr><th>([^<]*)<\/th><td class="n">([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2]]));
  assert.deepEqual(cells('connections'), { accepted: '7', 'handed over': '6', dropped: '1', retried: '2' });
  assert.deepEqual(cells('records'), { queued: '1 of at most 1024', 'handing over': '0', established: '3', 'TCP / UDP': '4 / 0', 'retired processes': '0', oldest: '2m5s' });
  assert.match(page, /master pid 4242, <span class="badge up">serving<\/span>, up 1h0m, 4 connection records; as of 03:04:05 UTC/);
  assert.doesNotMatch(page, /<table id="udp">/, 'no UDP figures without a UDP listener');
});
