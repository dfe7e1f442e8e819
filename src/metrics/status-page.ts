// The status page (/status): what `portplex status` shows, plus a summary of the connection
// table, as one self-contained HTML page: inline CSS, no external asset, nothing per client.
// It renders whole without JavaScript (a <noscript> meta refresh reloads it); with JavaScript a
// small inline script fetches the page again every 2 s and swaps its <main>, so the one renderer
// here serves both and a reader keeps their scroll position.
import { createHash } from 'node:crypto';
import { hostPort } from '../address.js';
import type { ListenerInfo } from '../master/master.js';
import type { StatusSnapshot } from '../master/status-snapshot.js';
import type { WorkerInfo } from '../master/worker-info.js';
import { duration, rate, recycles, size } from '../status-text.js';
import type { TableSummary } from '../table/summary.js';
import { html, Html } from './html.js';

/** What the page shows, and /status.json answers: the admin status answer, its table summarised. */
export interface StatusView extends Omit<StatusSnapshot, 'table'> {
  table: TableSummary;
  /** The master's bound on connections queued for want of a worker (all listeners together). */
  queueSize: number;
  /** When the view was taken, epoch ms. */
  at: number;
}

/** How a row or block is coloured: green serving, amber in between, red out of service. */
export type Tone = 'up' | 'warn' | 'down';

/** Seconds between refreshes. */
export const REFRESH_S = 2;

/** Red: down, or unhealthy (it gets no new connections); amber: starting, stopping or drained; else green. */
export function workerTone(w: Pick<WorkerInfo, 'state' | 'healthy' | 'weight'>): Tone {
  if (w.state === 'exited' || !w.healthy) return 'down';
  if (w.state !== 'ready' || w.weight === 0) return 'warn';
  return 'up';
}

/** Red when nothing serves it (as /readyz says), amber when the app closed it, else green. */
export function listenerTone(l: Pick<ListenerInfo, 'closed'>, readyWorkers: number): Tone {
  if (l.closed) return 'warn';
  return readyWorkers === 0 ? 'down' : 'up';
}

const MASTER_TONES: Readonly<Record<StatusSnapshot['state'], Tone>> = {
  starting: 'warn', serving: 'up', reloading: 'warn', upgrading: 'warn', stopping: 'down', stopped: 'down',
};

const STYLE = [
  'body{font:14px/1.4 system-ui,sans-serif;margin:1em 1.5em;color:#1b1f24;background:#fafafa}',
  'h1{font-size:1.3em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.2em 0 .4em}',
  'table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d0d7de;padding:.2em .55em;white-space:nowrap}',
  'th{background:#eef1f4;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}',
  '.up{background:#e7f5e9}.warn{background:#fff4d6}.down{background:#fde4e4}',
  'tr.up td:first-child,section.up{border-left:5px solid #2e7d32}tr.warn td:first-child,section.warn{border-left:5px solid #e0a100}',
  'tr.down td:first-child,section.down{border-left:5px solid #c62828}',
  '.badge{padding:0 .4em;border-radius:3px;font-weight:600}',
  '.listeners{display:flex;flex-wrap:wrap;gap:.6em}section.listener{padding:.3em .8em;border:1px solid #d0d7de;border-radius:4px;min-width:17em}',
  'section.listener h3{font-size:1em;margin:.2em 0}dl{display:grid;grid-template-columns:auto auto;gap:0 1em;margin:.2em 0}dt{color:#57606a}dd{margin:0}dd.n{text-align:right}',
  '.summary{display:flex;flex-wrap:wrap;align-items:flex-start;gap:1.5em}.summary table{min-width:14em}',
  '.legend,.meta{color:#57606a}#stale{display:none;color:#c62828;font-weight:600}.stale #stale{display:block}.stale main{opacity:.55}',
].join('');

// Fetches the page again, swaps <main> and marks the page stale while the master does not
// answer; paused while the tab is hidden.
const SCRIPT = [
  `(function(){var n=0,e=document.documentElement;function next(){setTimeout(tick,${REFRESH_S * 1000})}`,
  'function tick(){if(document.hidden)return next();',
  "fetch(location.pathname,{cache:'no-store'}).then(function(r){if(!r.ok)throw new Error(r.status);return r.text()})",
  ".then(function(t){var d=new DOMParser().parseFromString(t,'text/html'),m=d.getElementById('status');",
  "if(!m)throw new Error('no status');document.getElementById('status').replaceWith(m);document.title=d.title;",
  "e.classList.remove('stale');e.setAttribute('data-refreshed',String(++n))})",
  ".catch(function(){e.classList.add('stale')}).then(next)}next()})()",
].join('');

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page's Content-Security-Policy: nothing but its own inline style and script, and fetches of itself. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${hash(STYLE)}`,
  `script-src ${hash(SCRIPT)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

function clock(at: number): string {
  return `${new Date(at).toISOString().slice(11, 19)} UTC`;
}

function summary(v: StatusView): Html {
  const t = v.table;
  const udpListeners = v.listeners.some((l) => l.protocol === 'udp');
  const row = (name: string, value: string | number): Html => html`<tr><th>${name}</th><td class="n">${value}</td></tr>`;
  return html`<div class="summary">
<table id="connections"><tbody>
${row('accepted', sum(v.stats.accepted))}${row('handed over', v.stats.handedOver)}${row('dropped', sum(Object.values(v.stats.dropped)))}${row('retried', sum(Object.values(v.stats.retries)))}
</tbody></table>
<table id="records"><tbody>
${row('queued', `${t.byState.queued} of at most ${v.queueSize}`)}${row('handing over', t.byState['handing-over'])}${row('established', t.byState.established)}${row('TCP / UDP', `${t.byProtocol.tcp} / ${t.byProtocol.udp}`)}${row('retired processes', t.retired)}${row('oldest', t.oldestAgeMs === null ? '-' : duration(t.oldestAgeMs))}
</tbody></table>
${udpListeners ? html`<table id="udp"><tbody>${row('UDP flows', v.udp.flows)}${row('datagrams received', sum(v.udp.received))}${row('datagrams dropped', sum(Object.values(v.udp.dropped)))}</tbody></table>` : undefined}
</div>`;
}

function listener(l: ListenerInfo, v: StatusView): Html {
  const ready = v.workers.filter((w) => w.state === 'ready' && w.listening.includes(l.index)).length;
  const counts = v.table.byListener.find((c) => c.listener === l.index);
  const notes = [
    l.onDemand ? 'asked for by the app' : '',
    l.origin === 'systemd' ? `from systemd${l.fdName !== undefined ? ` (${l.fdName})` : ''}` : l.origin === 'upgrade' ? 'from the old master' : '',
    l.closed ? 'closed' : '',
  ].filter(Boolean).join(', ');
  const item = (name: string, value: string | number): Html => (typeof value === 'number' ? html`<dt>${name}</dt><dd class="n">${value}</dd>` : html`<dt>${name}</dt><dd>${value}</dd>`);
  return html`<section class="listener ${listenerTone(l, ready)}" data-listener="${l.index}">
<h3>listener ${l.index} <code>${hostPort(l.address, l.port, l.family)}</code></h3>
<dl>${item('protocol', l.protocol)}${item('mode', l.mode)}${item('algorithm', l.algorithm)}${item('groups', l.groups.join(', '))}${item('queued', counts?.queued ?? 0)}${item('handing over', counts?.['handing-over'] ?? 0)}${item('established', counts?.established ?? 0)}${item(l.protocol === 'udp' ? 'datagrams' : 'accepted', (l.protocol === 'udp' ? v.udp.received[l.index] : v.stats.accepted[l.index]) ?? 0)}${item('ready workers', ready)}${notes ? item('note', notes) : undefined}</dl>
</section>`;
}

function workers(v: StatusView): Html {
  // As in `portplex status`: the recycles column once there are any.
  const recycled = v.workers.some((w) => Object.values(w.recycles).some((n) => n > 0));
  const heads = ['worker', 'group', 'pid', 'state', 'health', 'weight', 'active', 'conn/s', 'total', 'cpu', 'mem', 'heap', 'loop', 'restarts', ...(recycled ? ['recycled'] : []), 'uptime'];
  const numeric = new Set(['worker', 'pid', 'weight', 'active', 'conn/s', 'total', 'cpu', 'mem', 'heap', 'loop', 'restarts', 'uptime']);
  const rows = v.workers.map((w) => {
    const cells: Array<string | number> = [
      w.id, w.group, w.pid, w.state, w.healthy ? 'up' : 'DOWN', w.weight, w.active, rate(w.connectionsPerSecond), w.handedOver + w.accepted,
      w.cpuPercent === null ? '-' : `${w.cpuPercent.toFixed(1)}%`, size(w.rssBytes), size(w.heapUsedBytes), `${w.loopDelayMs}ms`, w.restarts,
      ...(recycled ? [recycles(w.recycles)] : []), duration(w.uptimeMs),
    ];
    return html`<tr class="${workerTone(w)}" data-worker="${w.id}">${cells.map((c, i) => (numeric.has(heads[i]!) ? html`<td class="n">${c}</td>` : html`<td>${c}</td>`))}</tr>`;
  });
  return html`<table id="workers"><thead><tr>${heads.map((h) => (numeric.has(h) ? html`<th class="n">${h}</th>` : html`<th>${h}</th>`))}</tr></thead>
<tbody>
${rows.map((r) => html`${r}\n`)}</tbody></table>`;
}

/** The whole page for `v`. */
export function renderStatusPage(v: StatusView): string {
  const records = v.table.records;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>portplex status: pid ${v.pid}, ${v.state}</title>
<noscript><meta http-equiv="refresh" content="${REFRESH_S}"></noscript>
<style>${new Html(STYLE)}</style>
<script>${new Html(SCRIPT)}</script>
</head><body>
<p id="stale">Not updated: the master does not answer.</p>
<main id="status">
<h1>portplex ${v.version}</h1>
<p class="meta">master pid ${v.pid}, <span class="badge ${MASTER_TONES[v.state]}">${v.state}</span>, up ${duration(v.uptimeMs)}, ${records} connection record${records === 1 ? '' : 's'}; as of ${clock(v.at)}</p>
<h2>Connections</h2>
${summary(v)}
<h2>Listeners</h2>
<div class="listeners">
${v.listeners.map((l) => html`${listener(l, v)}\n`)}</div>
<h2>Workers</h2>
${workers(v)}
<p class="legend">Green: serving. Amber: starting, stopping or drained (weight 0). Red: down, or unhealthy (no new connections). Refreshed every ${REFRESH_S} s; <a href="status.json">status.json</a> has the same data.</p>
</main>
</body></html>
`.text;
}
