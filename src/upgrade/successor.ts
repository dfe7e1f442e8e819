// The old master's side of `portplex upgrade`: starts the new master as a child with an IPC
// channel (the one kind of Unix socket Node can pass descriptors over), sends it every listening
// socket, and waits until its workers are ready. Until then this master accepts as before, so a
// new master that fails leaves nothing changed.
import { spawn, type ChildProcess } from 'node:child_process';
import { CODES, PortplexError } from '../errors.js';
import type { Master } from '../master/master.js';
import type { ActivatedSocket } from '../config/activated.js';
import { parseUpgradeMessage, TAG, TAKE_OVER_ENV, type SystemdSocketInfo } from './messages.js';

export interface SuccessorOptions {
  /** The new master's command: node, its options, the portplex CLI and the command line. */
  readonly execPath: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** ms the new master has to become ready (its workers too) before it is stopped. */
  readonly timeoutMs: number;
}

/** A new master that is ready and accepting on the passed sockets. */
export interface Successor {
  readonly pid: number;
  /** Tells it this master's admin socket and metrics port are free; it takes them. */
  release(): void;
}

function failed(message: string): PortplexError {
  return new PortplexError(CODES.UPGRADE_FAILED, message);
}

/** A socket from systemd travels with what it is, so that the new master matches it as systemd's. */
function systemdPart(s: ActivatedSocket | undefined): { systemd?: SystemdSocketInfo } {
  return s === undefined ? {} : { systemd: { fd: s.fd, name: s.name ?? null, address: s.address, family: s.family } };
}

/** Starts the new master; rejects with PORTPLEX_UPGRADE_FAILED naming the cause (it is stopped then). */
export function startSuccessor(master: Master, opts: SuccessorOptions): Promise<Successor> {
  // The kernel kills every process of a PID namespace when its PID 1 exits: this master's drain
  // would end the new one with it, and the container.
  if (process.pid === 1) return Promise.reject(failed('this master is PID 1, and when it exits the kernel ends every process of its container, the new master too: restart the container instead'));
  const { sockets, kept } = master.transferable();
  if (kept.length > 0) {
    return Promise.reject(failed(`an upgrade passes TCP port listeners only, and this master serves ${kept.join(', ')}: restart it instead`));
  }
  let child: ChildProcess;
  try {
    // Not detached: the new master stays in the old one's process group and session, so whatever
    // signalled the old one's group (a terminal's Ctrl-C, a service manager) reaches it too.
    child = spawn(opts.execPath, [...opts.args], { cwd: opts.cwd, env: { ...opts.env, [TAKE_OVER_ENV]: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  } catch (err) {
    return Promise.reject(failed(`cannot start the new master: ${(err as Error).message}`));
  }
  return new Promise((resolve, reject) => {
    let done = false;
    // `stop`: the new master is not stopping by itself (it reported nothing): stop it.
    const finish = (err: PortplexError | undefined, stop = false): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.off('message', onMessage);
      if (err) {
        if (stop && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        if (child.connected) child.disconnect();
        reject(err);
        return;
      }
      child.unref();
      resolve({
        pid: child.pid!,
        release: () => {
          if (!child.connected) return;
          child.send({ tag: TAG, t: 'released' }, () => {
            if (child.connected) child.disconnect();
          });
        },
      });
    };
    const timer = setTimeout(() => finish(failed(`the new master (pid ${child.pid}) was not ready within ${opts.timeoutMs} ms; stopped it`), true), opts.timeoutMs);
    const onMessage = (raw: unknown): void => {
      const m = parseUpgradeMessage(raw);
      if (m?.t === 'ready') finish(undefined);
      else if (m?.t === 'failed') finish(failed(`the new master (pid ${child.pid}) did not start: ${m.error} [${m.code}]`));
    };
    child.on('message', onMessage);
    child.once('error', (err) => finish(failed(`cannot start the new master: ${err.message}`)));
    child.once('exit', (code, signal) => finish(failed(`the new master (pid ${child.pid}) exited ${signal ? `on ${signal}` : `with status ${code}`} before it was ready`)));
    // Only one descriptor is in flight at a time (Node queues the rest until each is acknowledged).
    const send = (m: object, handle?: object): void => {
      if (!child.connected) return;
      try {
        child.send(m, handle as never, (err) => { if (err) finish(failed(`cannot pass the listening sockets: ${err.message}`), true); });
      } catch (err) {
        finish(failed(`cannot pass the listening sockets: ${(err as Error).message}`), true);
      }
    };
    for (const s of sockets) send({ tag: TAG, t: 'socket', protocol: s.protocol, host: s.host ?? null, port: s.port, boundPort: s.boundPort, ...systemdPart(s.systemd) }, s.handle);
    send({ tag: TAG, t: 'sent', n: sockets.length });
  });
}
