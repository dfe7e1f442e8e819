// sd_notify(3) without a native addon. The notification socket ($NOTIFY_SOCKET) is a Unix
// datagram socket, which Node cannot write to; the `systemd-notify` program every systemd host
// has can. It sends as its own process, so the unit needs NotifyAccess=all (the default, main,
// would drop messages from a process other than the main one). By default it waits until
// systemd has read the message (a BARRIER=1 round trip), so one finished run means delivered,
// and running them one at a time keeps them in order.
import { execFile } from 'node:child_process';

/** How long one systemd-notify run may take (its own barrier waits up to 5 s). */
const RUN_TIMEOUT_MS = 10000;

export class Notifier {
  private readonly queue: string[][] = [];
  private running = false;
  private failed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    /** Something for the operator's log (said once: the first failure turns notifications off). */
    private readonly warn: (line: string) => void,
    private readonly program = 'systemd-notify',
  ) {}

  /**
   * Queues one message (`["READY=1", "STATUS=..."]`). A newer STATUS-only or WATCHDOG-only
   * message replaces one of its kind still waiting: only the latest counts.
   */
  send(fields: readonly string[]): void {
    if (this.failed || fields.length === 0) return;
    const only = soleKind(fields);
    if (only !== undefined) {
      const i = this.queue.findIndex((q) => soleKind(q) === only);
      if (i >= 0) this.queue.splice(i, 1);
    }
    this.queue.push([...fields]);
    this.next();
  }

  /** Messages not sent yet (the one being sent included). */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /** Resolves once every queued message has been sent (or notifications failed). */
  flushed(): Promise<void> {
    if (this.pending === 0 || this.failed) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private next(): void {
    if (this.running) return;
    const fields = this.failed ? undefined : this.queue.shift();
    if (fields === undefined) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    this.running = true;
    execFile(this.program, fields, { timeout: RUN_TIMEOUT_MS }, (err) => {
      this.running = false;
      if (err) {
        this.failed = true;
        this.queue.length = 0;
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? `${this.program} is not installed (Debian: apt-get install systemd)`
          : err.message.trim();
        this.warn(`NOTIFY_SOCKET is set, but notifying systemd failed, so no more notifications are sent: ${why}`);
      }
      this.next();
    });
  }
}

/** 'STATUS' or 'WATCHDOG' when every field of `fields` is of that one kind. */
function soleKind(fields: readonly string[]): string | undefined {
  const kinds = new Set(fields.map((f) => f.slice(0, f.indexOf('='))));
  if (kinds.size !== 1) return undefined;
  const [kind] = kinds;
  return kind === 'STATUS' || kind === 'WATCHDOG' ? kind : undefined;
}

/** CLOCK_MONOTONIC in µs, as RELOADING=1 wants it in MONOTONIC_USEC= (libuv's hrtime reads the same clock). */
export function monotonicUsec(): string {
  return String(process.hrtime.bigint() / 1000n);
}
