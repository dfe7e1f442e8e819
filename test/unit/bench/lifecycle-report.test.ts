import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Sample } from '../../../bench/client.js';
import type { MainpidCheck } from '../../../bench/notify-socket.js';
import {
  cell, countSamples, EVENTS, firstFailures, lifecycleMarkdown, perEvent, portplexFindings, summariseLifecycle,
  type LifecycleSession,
} from '../../../bench/lifecycle-report.js';

const ok = (start: number): Sample => ({ start, ms: 1, kind: 'request', ok: true });
const bad = (start: number, error?: string): Sample => ({ start, ms: Number.NaN, kind: 'request', ok: false, ...(error ? { error } : {}) });

function session(over: Partial<LifecycleSession>): LifecycleSession {
  return { event: 'reload', setup: 'portplex', load: 'keep-alive', events: 1, sent: 100, answered: 100, failed: 0, reasons: {}, firstFailures: [], ...over };
}

describe('lifecycle accounting', () => {
  it('counts every request sent as answered or failed, failures by reason', () => {
    const c = countSamples([ok(0), bad(5, 'ECONNREFUSED'), ok(6), bad(7, 'ECONNREFUSED'), bad(9, 'status 503'), bad(10)]);
    assert.deepEqual(c, { sent: 6, answered: 2, failed: 4, reasons: { ECONNREFUSED: 2, 'status 503': 1, failed: 1 } });
    assert.deepEqual(countSamples([]), { sent: 0, answered: 0, failed: 0, reasons: {} });
  });

  it('first failures in start order, in ms from the event', () => {
    const f = firstFailures([bad(900, 'closed'), ok(0), bad(400.4, 'ECONNRESET'), bad(1200, 'timeout')], 500, 2);
    assert.deepEqual(f, [{ atMs: -100, reason: 'ECONNRESET' }, { atMs: 400, reason: 'closed' }]);
  });

  it('sums sessions of one event, setup and load; keeps each note once', () => {
    const rows = summariseLifecycle([
      session({ events: 2, sent: 100, answered: 99, failed: 1, reasons: { ECONNRESET: 1 }, note: 'exit status 0' }),
      session({ load: 'new-connection', sent: 50, answered: 50 }),
      session({ events: 3, sent: 200, answered: 196, failed: 4, reasons: { ECONNRESET: 3, closed: 1 }, note: 'exit status 0' }),
    ]);
    assert.equal(rows.length, 2);
    const kept = rows.find((r) => r.load === 'keep-alive')!;
    assert.deepEqual([kept.events, kept.sessions, kept.sent, kept.answered, kept.failed], [5, 2, 300, 295, 5]);
    assert.deepEqual(kept.reasons, { ECONNRESET: 4, closed: 1 });
    assert.deepEqual(kept.notes, ['exit status 0']);
    assert.equal(perEvent(kept), 1);
    assert.equal(perEvent({ failed: 3, events: 0 }), null);
  });

  it('a cell says failed / sent, and per event when there were several or none', () => {
    const [one] = summariseLifecycle([session({ sent: 12345 })]);
    assert.equal(cell(one!), '0 / 12,345');
    const [many] = summariseLifecycle([session({ events: 4, sent: 1000, answered: 990, failed: 10, reasons: { ECONNRESET: 3, timeout: 1, EPIPE: 1, ECONNREFUSED: 5 } })]);
    assert.equal(cell(many!), '**10** / 1,000 (5 refused, 4 reset, 1 timeout), 4 events: 2.5 each');
    const [none] = summariseLifecycle([session({ events: 0, sent: 10, answered: 10 })]);
    assert.equal(cell(none!), '0 / 10, no event happened');
  });

  it('findings: portplex failures where the goal is 0, and events that never happened; not the stop without a delay, the restart binding its own address, nor the crash', () => {
    assert.deepEqual(EVENTS.filter((e) => !e.zeroGoal).map((e) => e.id), ['sigterm', 'restart', 'crash']);
    const rows = summariseLifecycle([
      session({ event: 'reload', failed: 2, answered: 98, reasons: { ECONNRESET: 2 } }),
      session({ event: 'sigterm', failed: 500, answered: 0, sent: 500, reasons: { ECONNREFUSED: 500 } }),
      session({ event: 'crash', failed: 3, answered: 97, reasons: { closed: 3 } }),
      session({ event: 'recycle-requests', load: 'new-connection', events: 0 }),
      session({ event: 'reload', setup: 'pm2', failed: 40, answered: 60 }),
      session({ event: 'restart', failed: 300, answered: 700, reasons: { ECONNREFUSED: 300 } }),
    ]);
    assert.deepEqual(portplexFindings(rows), [
      'reload, keep-alive: 2 failed of 100 in 1 event (2 reset)',
      'recycle-requests, new-connection: the event never happened (100 requests sent)',
    ]);
  });

  it('upgrades under systemd: MAINPID= checks summed per row; one not sent before the old master exited is a finding', () => {
    const check = (ok: boolean): MainpidCheck => ({ oldPid: 1, newPid: 2, verdict: ok ? 'before' : 'after', leadMs: ok ? { min: 30, max: 40 } : { min: -40, max: -30 }, stopping: 0, ok });
    const systemd = (...oks: boolean[]) => ({ notifications: ['READY=1'], upgrades: oks.map(check) });
    const rows = summariseLifecycle([
      session({ event: 'upgrade-systemd', events: 2, systemd: systemd(true, false) }),
      session({ event: 'upgrade-systemd', events: 2, systemd: systemd(true, true) }),
      session({ event: 'upgrade-systemd', load: 'new-connection', events: 2, systemd: systemd(true, true) }),
      session({ event: 'upgrade' }),
    ]);
    assert.deepEqual(rows.map((r) => [r.event, r.load, r.mainpid]), [
      ['upgrade-systemd', 'keep-alive', { ok: 3, of: 4 }],
      ['upgrade-systemd', 'new-connection', { ok: 2, of: 2 }],
      ['upgrade', 'keep-alive', { ok: 0, of: 0 }],
    ]);
    assert.deepEqual(portplexFindings(rows), ['upgrade-systemd, keep-alive: MAINPID= of the new master not shown sent while the old one still ran in 1 of 4 upgrades']);
    const info = { loops: 32, workers: 2, graceMs: 5000, pm2: '7.0.4' };
    assert.match(lifecycleMarkdown(rows, [], info), /^portplex, where it should have failed nothing:\n\n- upgrade-systemd, keep-alive: MAINPID= of the new master not shown/m);
    assert.match(lifecycleMarkdown(rows.slice(1), [], info), /the crash\), and each new master's MAINPID= was sent before the old one exited\.$/m);
    assert.match(lifecycleMarkdown(rows.slice(2), [], info), /the crash\)\.$/m);
  });

  it('markdown: a table per load, a row per event, numbered notes for n/a, skipped and session notes', () => {
    const rows = summariseLifecycle([
      session({ event: 'sigterm-delay', note: 'exit status 0' }),
      session({ event: 'sigterm-delay', load: 'new-connection', note: 'exit status 0' }),
      session({ event: 'reload', setup: 'pm2', sent: 2000, answered: 1958, failed: 42, reasons: { closed: 42 } }),
    ]);
    const md = lifecycleMarkdown(rows, [
      { event: 'reload', setup: 'cluster', kind: 'n/a', why: 'no reload' },
      { event: 'upgrade', setup: 'cluster', kind: 'n/a', why: 'no reload' },
      { event: 'upgrade', setup: 'pm2', load: 'keep-alive', kind: 'skipped', why: 'could not run' },
    ], { loops: 32, workers: 2, graceMs: 5000, pm2: '7.0.4' });
    const tables = md.split('**Keep-alive connections**');
    assert.equal(tables.length, 2);
    const [fresh, kept] = tables as [string, string];
    const rowOf = (table: string, label: string): string => table.split('\n').find((l) => l.startsWith(`| ${label} |`))!;
    assert.equal(rowOf(kept, EVENTS[0].label), `| ${EVENTS[0].label} | 0 / 100 [1] | - | - |`);
    assert.equal(rowOf(fresh, EVENTS[0].label), `| ${EVENTS[0].label} | 0 / 100 [1] | - | - |`);
    assert.equal(rowOf(kept, 'reload (rolling restart)'), '| reload (rolling restart) | - | n/a [2] | **42** / 2,000 (42 closed) |');
    assert.equal(rowOf(kept, 'upgrade (a new master takes the sockets)'), '| upgrade (a new master takes the sockets) | - | n/a [2] | skipped [3] |');
    assert.equal(rowOf(fresh, 'upgrade (a new master takes the sockets)'), '| upgrade (a new master takes the sockets) | - | n/a [2] | - |');
    assert.equal(kept.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| event')).length, EVENTS.length);
    assert.match(md, /^1\. exit status 0\n2\. no reload\n3\. could not run$/m);
    assert.match(md, /portplex: no failed request in any event it should pass without one/);
  });
});
