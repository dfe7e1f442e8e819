// The lifecycle benchmark's accounting and report: what a session's requests came to, summed per
// event, setup and kind of load, and the markdown tables of failed / sent per event.
import type { Sample } from './client.js';
import type { SystemdRecord } from './notify-socket.js';

export type LoadKind = 'new-connection' | 'keep-alive';
export const LOADS: readonly LoadKind[] = ['new-connection', 'keep-alive'];
export type SetupName = 'portplex' | 'cluster' | 'pm2';
export const SETUP_NAMES: readonly SetupName[] = ['portplex', 'cluster', 'pm2'];
const SETUP_LABELS: Record<SetupName, string> = { portplex: 'portplex', cluster: 'Node cluster', pm2: 'PM2' };

/**
 * The events, in the order of the table. `planned`: an operator's or a platform's doing (a crash
 * is not). `zeroGoal`: portplex should fail no request in it; a stop without a delay is measured
 * to show what the delay buys, since clients that go on sending for 1 s meet a closed port, and a
 * restart of a master that binds its own address to show what a socket held outside it buys.
 */
export const EVENTS = [
  { id: 'sigterm-delay', label: 'SIGTERM, clients go elsewhere 1 s later; portplex `--shutdown-delay 2000`', planned: true, zeroGoal: true },
  { id: 'sigterm', label: 'SIGTERM, clients go elsewhere 1 s later; no delay', planned: true, zeroGoal: false },
  { id: 'restart-systemd', label: 'master restart under systemd: the socket held by a .socket unit', planned: true, zeroGoal: true },
  { id: 'restart', label: 'master restart, binding its own address (no .socket unit)', planned: true, zeroGoal: false },
  { id: 'reload', label: 'reload (rolling restart)', planned: true, zeroGoal: true },
  { id: 'upgrade', label: 'upgrade (a new master takes the sockets)', planned: true, zeroGoal: true },
  { id: 'upgrade-systemd', label: 'upgrade under systemd: sockets from a .socket unit, `MAINPID=` checked', planned: true, zeroGoal: true },
  { id: 'scale-down', label: 'scale down by one worker', planned: true, zeroGoal: true },
  { id: 'recycle-memory', label: 'recycle: max memory (a leak)', planned: true, zeroGoal: true },
  { id: 'recycle-connections', label: 'recycle: max connections served', planned: true, zeroGoal: true },
  { id: 'recycle-requests', label: 'recycle: max requests', planned: true, zeroGoal: true },
  { id: 'recycle-lifetime', label: 'recycle: max lifetime (PM2: cron restart)', planned: true, zeroGoal: true },
  { id: 'crash', label: 'worker crash (SIGKILL)', planned: false, zeroGoal: false },
] as const;
export type EventId = (typeof EVENTS)[number]['id'];

/** Requests of one session, as the clients saw them. */
export interface Counted {
  sent: number;
  answered: number;
  failed: number;
  /** Failed requests by reason (ECONNREFUSED, ECONNRESET, closed, timeout, status 503...). */
  reasons: Record<string, number>;
}

/** One session: a setup under one kind of load, through `events` events of one kind. */
export interface LifecycleSession extends Counted {
  event: EventId;
  setup: SetupName;
  load: LoadKind;
  /** Events that happened under the load: signals, reloads, recycles, kills... */
  events: number;
  /** The first failures: ms from the first event (negative: before it) and why. */
  firstFailures: Array<{ atMs: number; reason: string }>;
  /** What a reader should know: an exit status, a limit that was not reached... */
  note?: string;
  /** Under systemd with NOTIFY_SOCKET: what it heard, and each upgrade's MAINPID= check. */
  systemd?: SystemdRecord;
}

/** A cell that was not measured: the event has no counterpart there (n/a), or the setup could not run here (skipped). */
export interface LifecycleGap {
  event: EventId;
  setup: SetupName;
  load?: LoadKind;
  kind: 'n/a' | 'skipped';
  why: string;
}

/** Sent, answered and failed among `samples`, failures by reason. */
export function countSamples(samples: readonly Sample[]): Counted {
  const reasons: Record<string, number> = {};
  let answered = 0;
  for (const s of samples) {
    if (s.ok) answered++;
    else {
      const why = s.error ?? 'failed';
      reasons[why] = (reasons[why] ?? 0) + 1;
    }
  }
  return { sent: samples.length, answered, failed: samples.length - answered, reasons };
}

/** The first `n` failures, by start, in ms from `eventAtMs` (the client's clock). */
export function firstFailures(samples: readonly Sample[], eventAtMs: number, n = 10): Array<{ atMs: number; reason: string }> {
  return samples
    .filter((s) => !s.ok)
    .sort((a, b) => a.start - b.start)
    .slice(0, n)
    .map((s) => ({ atMs: Math.round(s.start - eventAtMs), reason: s.error ?? 'failed' }));
}

/** Sessions of the same event, setup and load summed (several rounds). */
export interface LifecycleRow extends Counted {
  event: EventId;
  setup: SetupName;
  load: LoadKind;
  events: number;
  sessions: number;
  notes: string[];
  /** Upgrades whose MAINPID= was checked, and those that passed. */
  mainpid: { ok: number; of: number };
}

export function summariseLifecycle(sessions: readonly LifecycleSession[]): LifecycleRow[] {
  const rows = new Map<string, LifecycleRow>();
  for (const s of sessions) {
    const key = `${s.event}\u0000${s.setup}\u0000${s.load}`;
    let row = rows.get(key);
    if (!row) {
      row = { event: s.event, setup: s.setup, load: s.load, events: 0, sessions: 0, sent: 0, answered: 0, failed: 0, reasons: {}, notes: [], mainpid: { ok: 0, of: 0 } };
      rows.set(key, row);
    }
    row.events += s.events;
    row.sessions++;
    row.sent += s.sent;
    row.answered += s.answered;
    row.failed += s.failed;
    for (const [why, n] of Object.entries(s.reasons)) row.reasons[why] = (row.reasons[why] ?? 0) + n;
    if (s.note && !row.notes.includes(s.note)) row.notes.push(s.note);
    for (const u of s.systemd?.upgrades ?? []) {
      row.mainpid.of++;
      if (u.ok) row.mainpid.ok++;
    }
  }
  return [...rows.values()];
}

/** Failed requests per event, or null when no event happened. */
export function perEvent(row: Pick<LifecycleRow, 'failed' | 'events'>): number | null {
  return row.events > 0 ? row.failed / row.events : null;
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

const REASON_WORDS: Record<string, string> = { ECONNREFUSED: 'refused', ECONNRESET: 'reset', EPIPE: 'reset' };

/** "12 reset, 3 timeout": failures by reason, most first. */
export function reasonsText(reasons: Readonly<Record<string, number>>): string {
  const words = new Map<string, number>();
  for (const [why, n] of Object.entries(reasons)) {
    const w = REASON_WORDS[why] ?? why;
    words.set(w, (words.get(w) ?? 0) + n);
  }
  return [...words].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([w, n]) => `${num(n)} ${w}`).join(', ');
}

/** "failed / sent" with the failures' reasons, and the events and failed per event when there was not exactly one. */
export function cell(row: LifecycleRow): string {
  const head = row.failed > 0 ? `**${num(row.failed)}** / ${num(row.sent)} (${reasonsText(row.reasons)})` : `0 / ${num(row.sent)}`;
  if (row.events === 0) return `${head}, no event happened`;
  if (row.events === 1) return head;
  const per = perEvent(row)!;
  return `${head}, ${row.events} events: ${per === 0 ? '0' : per.toFixed(per < 10 ? 1 : 0)} each`;
}

/**
 * Events with a goal of 0 where portplex failed requests (or where the event never happened), and
 * upgrades whose MAINPID= is not shown sent while the old master still ran, as lines for the lead.
 */
export function portplexFindings(rows: readonly LifecycleRow[]): string[] {
  const goal = new Set<string>(EVENTS.filter((e) => e.zeroGoal).map((e) => e.id));
  const out: string[] = [];
  for (const r of rows.filter((x) => x.setup === 'portplex')) {
    if (goal.has(r.event) && r.events === 0) out.push(`${r.event}, ${r.load}: the event never happened (${r.sent} requests sent)`);
    else if (goal.has(r.event) && r.failed > 0) out.push(`${r.event}, ${r.load}: ${r.failed} failed of ${r.sent} in ${r.events} event${r.events === 1 ? '' : 's'} (${reasonsText(r.reasons)})`);
    if (r.mainpid.ok < r.mainpid.of) out.push(`${r.event}, ${r.load}: MAINPID= of the new master not shown sent while the old one still ran in ${r.mainpid.of - r.mainpid.ok} of ${r.mainpid.of} upgrades`);
  }
  return out;
}

/** What the load was and how the events were made, for the text above the tables. */
export interface LifecycleInfo {
  loops: number;
  workers: number;
  graceMs: number;
  pm2: string;
}

/**
 * One table per kind of load: a row per event, a column per setup; each cell failed / sent.
 * Cells not measured say n/a or skipped, with the reason in a numbered note under the table.
 */
export function lifecycleMarkdown(rows: readonly LifecycleRow[], gaps: readonly LifecycleGap[], info: LifecycleInfo): string {
  const out: string[] = [
    `${info.loops} clients in a closed loop (each sends its next request when the last is answered), ${info.workers} workers per setup, ` +
      `workers given ${info.graceMs / 1000} s to finish. portplex: dispatch, round-robin. Node cluster: round-robin (the Linux default). PM2: ${info.pm2}. ` +
      'Each cell: requests failed / sent in the sessions of that event (a failure is a refused or reset connection, one closed before a whole answer, ' +
      'a timeout or a status other than 200); with several events in a session, failed per event.',
    '',
  ];
  const notes: string[] = [];
  const noteFor = (text: string): number => {
    const i = notes.indexOf(text);
    if (i >= 0) return i + 1;
    notes.push(text);
    return notes.length;
  };
  for (const load of LOADS) {
    out.push(`**${load === 'new-connection' ? 'A new connection per request (`Connection: close`)' : 'Keep-alive connections'}**`, '');
    out.push(`| event | ${SETUP_NAMES.map((s) => SETUP_LABELS[s]).join(' | ')} |`);
    out.push(`|---|${SETUP_NAMES.map(() => '---').join('|')}|`);
    for (const e of EVENTS) {
      const cells = SETUP_NAMES.map((setup) => {
        const row = rows.find((r) => r.event === e.id && r.setup === setup && r.load === load);
        if (row) return cell(row) + (row.notes.length > 0 ? ` [${row.notes.map(noteFor).join(',')}]` : '');
        const gap = gaps.find((g) => g.event === e.id && g.setup === setup && (g.load === undefined || g.load === load));
        return gap ? `${gap.kind} [${noteFor(gap.why)}]` : '-';
      });
      out.push(`| ${e.label} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  if (notes.length > 0) out.push(...notes.map((n, i) => `${i + 1}. ${n}`), '');
  const findings = portplexFindings(rows);
  out.push(findings.length === 0
    ? 'portplex: no failed request in any event it should pass without one (all but the stop without a delay, the restart of a master binding its own address, and the crash)' +
      (rows.some((r) => r.mainpid.of > 0) ? ', and each new master\'s MAINPID= was sent before the old one exited.' : '.')
    : `portplex, where it should have failed nothing:\n\n${findings.map((f) => `- ${f}`).join('\n')}`);
  out.push('');
  return out.join('\n');
}
