// A NOTIFY_SOCKET for tests: a Unix datagram socket (test/fixtures/notify-socket.py, since Node
// cannot bind one) whose messages arrive here in order, as systemd would read them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, waitFor } from './cluster.js';

export interface NotifyMessage {
  fields: string[];
  /** CLOCK_MONOTONIC in µs when it was read. */
  usec: number;
}

export interface NotifySocket {
  readonly path: string;
  readonly messages: NotifyMessage[];
  /** Waits until a message after the first `from` has a field equal to `field`; returns its index. */
  waitForField(field: string, from?: number, ms?: number): Promise<number>;
  close(): void;
}

/** `delayMs`: the socket reads each datagram that long after the last (a busy systemd). */
export async function notifySocket(delayMs = 0): Promise<NotifySocket> {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-notify-'));
  const path = join(dir, 'notify');
  const child: ChildProcess = spawn('python3', [fixture('notify-socket.py'), path, String(delayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: NotifyMessage[] = [];
  let ready = false;
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const m = JSON.parse(buf.slice(0, nl)) as NotifyMessage & { ready?: boolean };
      buf = buf.slice(nl + 1);
      if (m.ready) ready = true;
      else messages.push(m);
    }
  });
  const failed = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`python3 for the notify socket: ${err.message}`))));
  await Promise.race([waitFor(() => ready, 10000, 'the notify socket'), failed]);
  return {
    path,
    messages,
    async waitForField(field, from = 0, ms = 15000) {
      let at = -1;
      await waitFor(() => {
        at = messages.findIndex((m, i) => i >= from && m.fields.includes(field));
        return at >= 0;
      }, ms, `${field} on the notify socket; got ${JSON.stringify(messages.map((m) => m.fields))}`);
      return at;
    },
    close() {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The fields other than STATUS= and WATCHDOG=1 of each message, MONOTONIC_USEC's value left out. */
export function notifySequence(messages: readonly NotifyMessage[]): string[] {
  return messages
    .map((m) => m.fields.filter((f) => !f.startsWith('STATUS=') && f !== 'WATCHDOG=1').map((f) => (f.startsWith('MONOTONIC_USEC=') ? 'MONOTONIC_USEC' : f)).join(' '))
    .filter((x) => x !== '');
}
