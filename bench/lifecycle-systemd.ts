// portplex as the lifecycle benchmark runs it under systemd: its listening socket held outside the
// master as a .socket unit holds it, by Debian's systemd-socket-activate (which passes sockets the
// way systemd does) and test/fixtures/socket-holder.js under it, which never accepts and, told to
// restart, stops the master and starts another on the socket (what `systemctl restart` does with a
// .socket unit). The same holder without a socket runs a master that binds its own address: the
// restart to compare with. With NOTIFY_SOCKET set, each upgrade is checked for MAINPID=.
import { existsSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { childPids } from './cpu.js';
import { alive, CLI, exec, GRACE_MS, until, waitGone, type Target } from './lifecycle-targets.js';
import { mainpidCheck, notifyReceiver, notifySequence, type ExitWatch, type NotifyReceiver, type SystemdRecord } from './notify-socket.js';
import { freePort, start, stop, waitForOutput, waitHttp, type Proc } from './procs.js';
import { portplexConfig, ROOT, type SetupContext } from './setups.js';

const HOLDER = join(ROOT, 'test/fixtures/socket-holder.js');
/** The socket's FileDescriptorName=, which the master takes with `-l systemd:web`, as in examples/systemd/. */
const FDNAME = 'web';
/** ms between two looks at an old master while an upgrade's check waits for its exit. */
const WATCH_EVERY_MS = 2;

/** `name`'s path on PATH (or at `known`), or null. */
function which(name: string, known: readonly string[] = []): string | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  return [...known, ...dirs.map((d) => join(d, name))].find((p) => existsSync(p)) ?? null;
}

const socketActivate = (): string | null => which('systemd-socket-activate', ['/usr/bin/systemd-socket-activate', '/bin/systemd-socket-activate']);

/** Why a session with a held socket (and, with `notify`, a notification socket) cannot run here, or null. */
export function heldUnavailable(notify: boolean): string | null {
  if (socketActivate() === null) return 'systemd-socket-activate is not installed (Debian: apt-get install systemd); it holds the socket as systemd does';
  if (notify && which('python3') === null) return 'python3 is not installed; it reads the notification socket, which Node cannot bind';
  if (notify && which('systemd-notify') === null) return 'systemd-notify is not installed (Debian: apt-get install systemd); portplex notifies with it';
  return null;
}

export interface HeldOptions {
  workers: number;
  /** The socket held outside the master (systemd-socket-activate), or the master binds its own address. */
  held: boolean;
  /** NOTIFY_SOCKET set, its messages read: `systemd()` tells what they said. */
  notify: boolean;
}

/** The holder's and the masters' lines as they come: runs started and ended, masters ready. */
class HolderLog {
  readonly starts: number[] = [];
  readonly exits: string[] = [];
  ready = 0;
  private buf = '';

  constructor(proc: Proc) {
    const read = (d: Buffer): void => {
      this.buf += d.toString('utf8');
      for (let nl = this.buf.indexOf('\n'); nl >= 0; nl = this.buf.indexOf('\n')) {
        this.line(this.buf.slice(0, nl));
        this.buf = this.buf.slice(nl + 1);
      }
    };
    proc.child.stdout?.on('data', read);
    proc.child.stderr?.on('data', read);
  }

  private line(l: string): void {
    let m: RegExpExecArray | null;
    if ((m = /^holder: run \d+ started, pid (\d+)$/.exec(l))) this.starts.push(Number(m[1]));
    else if ((m = /^holder: run \d+ exited with (\S+)$/.exec(l))) this.exits.push(m[1]!);
    else if (/workers ready in/.test(l)) this.ready++;
  }
}

/** µs of CLOCK_MONOTONIC, the clock of the notification reader's timestamps. */
const nowUsec = (): number => Number(process.hrtime.bigint() / 1000n);

/** Looks at `pid` every few ms until it is gone (or `ms` pass): when it was last seen running and first seen gone. */
async function watchExit(pid: number, ms: number): Promise<ExitWatch> {
  const end = Date.now() + ms;
  let lastAliveUsec = nowUsec();
  while (Date.now() < end) {
    // Running at some moment after `before`; gone at some moment before the clock is read again.
    const before = nowUsec();
    if (!alive(pid)) return { lastAliveUsec, goneUsec: nowUsec() };
    lastAliveUsec = before;
    await new Promise((r) => setTimeout(r, WATCH_EVERY_MS));
  }
  return { lastAliveUsec, goneUsec: null };
}

/** portplex with the bench's setup (config file, admin socket, metrics on) run by the holder, the socket held or not. */
export async function startHeld(name: string, ctx: SetupContext, o: HeldOptions): Promise<Target> {
  const port = await freePort();
  const admin = join(ctx.tmp, `${name}.sock`);
  const file = join(ctx.tmp, `${name}.json`);
  const listen = o.held ? `systemd:${FDNAME}` : `127.0.0.1:${port}`;
  const variant = { name, label: name, quick: false, algorithm: 'round-robin', extra: { grace: GRACE_MS, listeners: [{ listen }] } };
  writeFileSync(file, JSON.stringify(portplexConfig(variant, { ...ctx, workers: o.workers }, port)));
  const holder = [HOLDER, CLI, '-c', file, '--admin', admin, '--metrics', `127.0.0.1:${await freePort()}`];
  let receiver: NotifyReceiver | undefined;
  let proc: Proc | undefined;
  let log: HolderLog | undefined;
  try {
    if (o.notify) receiver = await notifyReceiver();
    const notifyEnv = receiver ? { NOTIFY_SOCKET: receiver.path } : {};
    if (o.held) {
      // It passes the command only PATH, HOME and TERM of the environment, and what -E adds.
      const env = Object.entries(notifyEnv).flatMap(([k, v]) => ['-E', `${k}=${v}`]);
      proc = start(socketActivate()!, ['-l', `127.0.0.1:${port}`, `--fdname=${FDNAME}`, ...env, '--', process.execPath, ...holder], { cwd: ROOT });
      log = new HolderLog(proc);
      await waitForOutput(proc, /^Listening on .* as 3\.$/m, 10000);
    } else {
      const env = { ...process.env, ...notifyEnv };
      if (!receiver) delete env.NOTIFY_SOCKET;
      proc = start(process.execPath, holder, { cwd: ROOT, env });
      log = new HolderLog(proc);
    }
    // Held: the first connection starts the holder, and waits in the socket's queue for the master.
    await waitHttp(port, 30000);
    let exited = false;
    void proc.exited.then(() => { exited = true; });
    await until('the master to be ready', async () => {
      if (exited) throw new Error('the holder exited');
      return log!.ready > 0;
    }, 30000);
  } catch (err) {
    const out = proc?.output() ?? '';
    if (proc) await stop(proc, 1000);
    await receiver?.close();
    throw new Error(`${(err as Error).message.split('\n')[0]}\n${out}`);
  }
  const p = proc;
  const lines = log!;
  let masterPid = lines.starts[0]!;
  const upgrades: Array<{ oldPid: number; newPid: number; watch: Promise<ExitWatch> }> = [];
  const target: Target = {
    port,
    async restart() {
      const runs = lines.starts.length;
      const ready = lines.ready;
      p.child.kill('SIGUSR2');
      await until('the restarted master to be ready', async () => lines.starts.length > runs && lines.ready > ready, 30_000);
      masterPid = lines.starts[lines.starts.length - 1]!;
      return `exit status ${lines.exits[runs - 1] ?? '?'}`;
    },
    async upgrade() {
      const oldPid = masterPid;
      // Watched from before the command: an old master may be gone soon after it returns.
      const watch = watchExit(oldPid, 3 * GRACE_MS);
      const r = JSON.parse(await exec(process.execPath, [CLI, 'upgrade', '--json', '--admin', admin])) as { pid: number };
      masterPid = r.pid;
      upgrades.push({ oldPid, newPid: r.pid, watch });
    },
    workerPids: async () => childPids(masterPid),
    async stop() {
      try {
        if (upgrades.length === 0) {
          // The holder stops its master, waits for its exit, and exits.
          await stop(p, 3 * GRACE_MS);
          return;
        }
        // Upgraded: the masters before drain and exit by themselves; the last is no child of the holder.
        for (const u of upgrades) await u.watch;
        try {
          process.kill(masterPid, 'SIGTERM');
        } catch {
          // Gone already.
        }
        await waitGone(masterPid, 3 * GRACE_MS);
        // Its child is gone, so it would wait for nothing on SIGTERM; it holds only the socket.
        p.child.kill('SIGKILL');
        await p.exited;
      } finally {
        await receiver?.close();
      }
    },
  };
  if (receiver) {
    const r = receiver;
    target.systemd = async (): Promise<SystemdRecord> => {
      const checks = [];
      for (const u of upgrades) {
        const watch = await u.watch;
        // A MAINPID= sent late still arrives: wait a little for it, so that the check can say how late.
        await until(`MAINPID=${u.newPid}`, async () => r.messages.some((m) => m.fields.includes(`MAINPID=${u.newPid}`)), 5000).catch(() => {});
        checks.push(mainpidCheck(r.messages, u.oldPid, u.newPid, watch));
      }
      return { notifications: notifySequence(r.messages), upgrades: checks };
    };
  }
  return target;
}
