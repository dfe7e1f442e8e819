// The new master's side of `portplex upgrade`: started by the old master with an IPC channel and
// PORTPLEX_TAKE_OVER=1, it receives the old master's listening sockets before it builds its own
// Master, says when its workers are ready, and waits for the old one to free the admin socket.
import { InheritedSockets } from '../master/inherited.js';
import { MAX_SOCKETS, parseUpgradeMessage, TAG, TAKE_OVER_ENV, type UpgradeMessage } from './messages.js';

/** ms the old master has to pass its sockets (it sends them at once). */
const RECEIVE_TIMEOUT = 30000;

/** True in a `portplex` process started by `portplex upgrade`; the variable is removed so workers never see it. */
export function takingOver(): boolean {
  const yes = process.env[TAKE_OVER_ENV] === '1' && typeof process.send === 'function';
  delete process.env[TAKE_OVER_ENV];
  return yes;
}

/** Resolves with the sockets the old master passed, once it says it sent them all. */
export function receiveSockets(): Promise<InheritedSockets> {
  const sockets = new InheritedSockets();
  return new Promise((resolve, reject) => {
    const stop = (err?: Error): void => {
      clearTimeout(timer);
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      if (err) {
        sockets.closeRest();
        reject(err);
      } else resolve(sockets);
    };
    const onMessage = (raw: unknown, handle: unknown): void => {
      const m = parseUpgradeMessage(raw);
      const h = handle as { close?: () => void } | undefined;
      if (m?.t === 'socket' && h && typeof h.close === 'function' && sockets.size < MAX_SOCKETS) {
        const systemd = m.systemd && { protocol: m.protocol, address: m.systemd.address, port: m.boundPort, family: m.systemd.family, name: m.systemd.name ?? undefined, fd: m.systemd.fd };
        sockets.add({ protocol: m.protocol, host: m.host ?? undefined, port: m.port, boundPort: m.boundPort, handle: h as { close(): void }, ...(systemd ? { systemd } : {}) });
        return;
      }
      h?.close?.();
      if (m?.t === 'sent') {
        if (sockets.size === m.n) stop();
        else stop(new Error(`the old master sent ${m.n} listening sockets and ${sockets.size} arrived`));
      }
    };
    const onDisconnect = (): void => stop(new Error('the old master closed the channel before it passed its sockets'));
    const timer = setTimeout(() => stop(new Error(`the old master did not pass its sockets within ${RECEIVE_TIMEOUT} ms`)), RECEIVE_TIMEOUT);
    process.on('message', onMessage);
    process.once('disconnect', onDisconnect);
  });
}

/** Tells the old master this one is ready; resolves once it has freed its admin socket and metrics port (or is gone). */
export function announceReady(): Promise<void> {
  // The old master died while this one started: nothing to wait for.
  if (!process.connected) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('message', onMessage);
      process.off('disconnect', done);
      // The channel's work is done: it must not keep this process alive, nor the old one.
      if (process.connected) process.disconnect();
      resolve();
    };
    const onMessage = (raw: unknown): void => {
      if (parseUpgradeMessage(raw)?.t === 'released') done();
    };
    process.on('message', onMessage);
    process.once('disconnect', done);
    send({ tag: TAG, t: 'ready', pid: process.pid });
  });
}

let reported = false;

/** Tells the old master why this one cannot serve (once); it goes on serving. */
export function reportFailure(err: unknown): void {
  if (reported) return;
  reported = true;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'PORTPLEX_INTERNAL';
  send({ tag: TAG, t: 'failed', error: (err as Error)?.message ?? String(err), code });
}

function send(m: UpgradeMessage): void {
  if (!process.connected || typeof process.send !== 'function') return;
  try {
    process.send(m);
  } catch {
    // The old master is gone: nobody to tell.
  }
}
