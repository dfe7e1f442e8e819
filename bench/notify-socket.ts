// What systemd hears of a master run as a Type=notify service, for the lifecycle benchmark: a
// notification socket (test/fixtures/notify-socket.py run by python3, since Node cannot bind a
// Unix datagram socket) whose messages are kept in order, and what an upgrade must tell systemd
// for the service to go on: MAINPID= of the new master before the old one exits, no STOPPING=1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, stop, waitForOutput } from './procs.js';
import { ROOT } from './setups.js';

const READER = join(ROOT, 'test/fixtures/notify-socket.py');

/** One datagram: its fields, when it was read and when it was sent (µs of CLOCK_MONOTONIC, process.hrtime's clock). */
export interface NotifyMessage {
  fields: string[];
  usec: number;
  /** From the kernel's timestamp of the datagram: a busy reader may read it much later. */
  sentUsec?: number;
}

export interface NotifyReceiver {
  /** The socket's path, for NOTIFY_SOCKET. */
  readonly path: string;
  /** Every message so far, in the order read. */
  readonly messages: readonly NotifyMessage[];
  close(): Promise<void>;
}

/** A notification socket being read; rejects when python3 cannot run the reader. */
export async function notifyReceiver(): Promise<NotifyReceiver> {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-notify-'));
  const path = join(dir, 'notify');
  const proc = start('python3', [READER, path]);
  const messages: NotifyMessage[] = [];
  let buf = '';
  proc.child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const m = JSON.parse(buf.slice(0, nl)) as NotifyMessage & { ready?: boolean };
      buf = buf.slice(nl + 1);
      if (!m.ready) messages.push({ fields: m.fields, usec: m.usec, ...(m.sentUsec === undefined ? {} : { sentUsec: m.sentUsec }) });
    }
  });
  const close = async (): Promise<void> => {
    await stop(proc, 1000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForOutput(proc, /"ready": true/, 10000);
  } catch (err) {
    await close();
    throw new Error(`the notification socket's reader (python3 ${READER}): ${(err as Error).message.split('\n')[0]}`);
  }
  return { path, messages, close };
}

/** When a master was last seen running and first seen gone (µs, CLOCK_MONOTONIC); gone is null if it outlived the watch. */
export interface ExitWatch {
  lastAliveUsec: number;
  goneUsec: number | null;
}

/**
 * MAINPID= of the new master sent while the old one still ran (systemd reads its notifications
 * before the exit of a process, so it then knows the new main process), once the old one was gone,
 * unclear (sent between the last look that saw the old one running and the first that did not),
 * or never sent.
 */
export type MainpidVerdict = 'before' | 'after' | 'unclear' | 'never';

/** One upgrade as systemd heard it. */
export interface MainpidCheck {
  oldPid: number;
  newPid: number;
  verdict: MainpidVerdict;
  /**
   * ms from the sending of MAINPID=<newPid> to the old master's exit, which lies between these
   * bounds (the last look that saw it running, the first that did not; max null: it outlived the
   * watch). Negative: sent after. Null when never sent.
   */
  leadMs: { min: number; max: number | null } | null;
  /** STOPPING=1 messages sent before the old master was seen gone: systemd would take the service for stopping. */
  stopping: number;
  ok: boolean;
}

const sentAt = (m: NotifyMessage): number => m.sentUsec ?? m.usec;
const ms = (usec: number): number => Math.round(usec / 100) / 10;

/** Whether `messages` told systemd of the new master before the old one exited (`watch`), and nothing of a stop. */
export function mainpidCheck(messages: readonly NotifyMessage[], oldPid: number, newPid: number, watch: ExitWatch): MainpidCheck {
  const heard = messages.find((m) => m.fields.includes(`MAINPID=${newPid}`));
  const until = watch.goneUsec ?? Number.POSITIVE_INFINITY;
  const stopping = messages.filter((m) => sentAt(m) <= until && m.fields.includes('STOPPING=1')).length;
  if (heard === undefined) return { oldPid, newPid, verdict: 'never', leadMs: null, stopping, ok: false };
  const min = watch.lastAliveUsec - sentAt(heard);
  const max = watch.goneUsec === null ? null : watch.goneUsec - sentAt(heard);
  const verdict: MainpidVerdict = min >= 0 ? 'before' : max !== null && max < 0 ? 'after' : 'unclear';
  return { oldPid, newPid, verdict, leadMs: { min: ms(min), max: max === null ? null : ms(max) }, stopping, ok: verdict === 'before' && stopping === 0 };
}

/** Each message's fields but STATUS= and WATCHDOG=1, MONOTONIC_USEC='s value left out: what changed the service's state. */
export function notifySequence(messages: readonly NotifyMessage[]): string[] {
  return messages
    .map((m) => m.fields.filter((f) => !f.startsWith('STATUS=') && f !== 'WATCHDOG=1').map((f) => (f.startsWith('MONOTONIC_USEC=') ? 'MONOTONIC_USEC' : f)).join(' '))
    .filter((x) => x !== '');
}

/** A session's notifications (STATUS= and WATCHDOG=1 left out) and its upgrades as systemd heard them. */
export interface SystemdRecord {
  notifications: string[];
  upgrades: MainpidCheck[];
}

const VERDICT_WORDS: Record<Exclude<MainpidVerdict, 'before'>, string> = {
  after: 'MAINPID= of the new master sent after the old one exited',
  unclear: 'MAINPID= of the new master sent too close to the old one\'s exit to tell which came first',
  never: 'no MAINPID= from the new master',
};

/** What a reader of the table should know of a session's upgrades as systemd heard them. */
export function mainpidNote(checks: readonly MainpidCheck[]): string {
  const of = `of ${checks.length} upgrade${checks.length === 1 ? '' : 's'}`;
  const parts: string[] = [];
  for (const v of ['after', 'unclear', 'never'] as const) {
    const n = checks.filter((c) => c.verdict === v).length;
    if (n > 0) parts.push(`${VERDICT_WORDS[v]} (${n} ${of})`);
  }
  const stopping = checks.filter((c) => c.stopping > 0).length;
  if (stopping > 0) parts.push(`STOPPING=1 sent during an upgrade (${stopping} ${of})`);
  return parts.length === 0 ? 'NOTIFY_SOCKET: MAINPID= of each new master sent before the old one exited, and no STOPPING=1' : parts.join('; ');
}

/** "MAINPID= 12.5-20.3 ms before the old master's exit": each upgrade's verdict with its bounds, for the log. */
export function mainpidText(checks: readonly MainpidCheck[]): string {
  return checks.map((c) => {
    if (c.leadMs === null) return 'MAINPID= never sent';
    const { min, max } = c.leadMs;
    const range = (a: number, b: number | null): string => (b === null ? `${a}+` : `${a}-${b}`);
    if (c.verdict === 'before') return `MAINPID= ${range(min, max)} ms before the old master's exit`;
    if (c.verdict === 'after') return `MAINPID= ${range(-max!, -min)} ms after the old master's exit`;
    return `MAINPID= ${-min} ms after the old master was last seen running${max === null ? '' : `, ${max} ms before it was seen gone`}`;
  }).join(', ');
}
