// /status and /status.json on the metrics endpoint: the status page and its data. Each answer
// takes the master's snapshot (O(workers + listeners)) and the table's summary, which walks the
// table at most once a second (table/summary.ts), so a page left open, or many, cost the master
// little. Nothing here is cached by the browser, and the page may load nothing from elsewhere.
import type http from 'node:http';
import type { Master } from '../master/master.js';
import { statusSnapshot } from '../master/status-snapshot.js';
import { TableSummarizer } from '../table/summary.js';
import { renderStatusPage, STATUS_PAGE_CSP, type StatusView } from './status-page.js';

/** The paths this route answers. */
export const STATUS_PATHS: readonly string[] = ['/status', '/status.json'];

/** The view of `master` now: its status answer with the table summarised. */
export function statusView(master: Master, summarizer: TableSummarizer, now = Date.now()): StatusView {
  const snapshot = statusSnapshot(master);
  const table = summarizer.summarize(snapshot.workers.map((w) => w.id), snapshot.listeners.length, now);
  return { ...snapshot, table, queueSize: master.config.queueSize, at: now };
}

/** Answers GET /status and /status.json for `master`. */
export function createStatusRoute(master: Master): (path: string, res: http.ServerResponse) => void {
  const summarizer = new TableSummarizer(master.table);
  return (path, res) => {
    const view = statusView(master, summarizer);
    const json = path === '/status.json';
    const body = json ? `${JSON.stringify(view)}\n` : renderStatusPage(view);
    res.writeHead(200, {
      'content-type': json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'content-security-policy': STATUS_PAGE_CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    res.end(body);
  };
}
