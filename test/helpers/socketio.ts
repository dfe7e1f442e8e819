// Real socket.io clients against a portplex cluster: each connects, waits for the worker's
// hello, then for 5 acknowledged emits; a client that manages all of that within its time is ok.
import { io, type Socket } from 'socket.io-client';

export interface ClientResult {
  ok: boolean;
  /** The worker that said hello last. */
  worker: number;
  /** What went wrong, when not ok. */
  error?: string;
  /** The transport it ended on. */
  transport?: string;
}

export interface SocketioOptions {
  transports: Array<'polling' | 'websocket'>;
  /** ms a client gets for its hello and 5 acknowledgements. */
  timeoutMs?: number;
}

/** Opens a client that stays connected (reconnecting as socket.io does) until closed. */
export function connect(port: number, options: SocketioOptions): Socket {
  return io(`http://127.0.0.1:${port}`, { transports: options.transports, forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500 });
}

/** Waits on `socket` for a hello (the next one from now), then 5 acknowledged emits. */
export async function helloAndEchoes(socket: Socket, options: SocketioOptions, upgraded = false, mayReconnect = false): Promise<ClientResult> {
  const timeoutMs = options.timeoutMs ?? 10000;
  let worker = 0;
  // A session that breaks and is replaced by a new one is a failure, even if the new one works:
  // retrying until a session happens to land right would hide exactly what is tested.
  let broken = 0;
  const onBreak = (): void => { broken++; };
  socket.on('disconnect', onBreak);
  socket.on('connect_error', onBreak);
  try {
    const hello = await new Promise<{ worker: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no hello in ${timeoutMs} ms${socket.connected ? '' : ' (not connected)'}`)), timeoutMs);
      socket.once('hello', (h: { worker: number }) => { clearTimeout(timer); resolve(h); });
    });
    worker = hello.worker;
    if (upgraded && socket.io.engine.transport.name !== 'websocket') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no upgrade to websocket')), timeoutMs);
        socket.io.engine.once('upgrade', () => { clearTimeout(timer); resolve(); });
      });
    }
    for (let i = 0; i < 5; i++) {
      const back = await socket.timeout(timeoutMs).emitWithAck('echo', i);
      if (back !== i) throw new Error(`echo ${i} came back as ${back}`);
    }
    if (broken > 0 && !mayReconnect) throw new Error('session broken and replaced');
    return { ok: true, worker, transport: socket.io.engine?.transport.name };
  } catch (err) {
    return { ok: false, worker, error: (err as Error).message, transport: socket.io.engine?.transport.name };
  } finally {
    socket.off('disconnect', onBreak);
    socket.off('connect_error', onBreak);
  }
}

/**
 * `n` clients, each connecting, waiting for its hello and 5 acks, all at once; with `oneByOne`
 * each connects once the one before it has its hello (a burst of simultaneous handshakes is
 * spread by the pool's responsiveness rules, not only by the algorithm: workers/pool.ts).
 */
export async function runClients(port: number, n: number, options: SocketioOptions & { oneByOne?: boolean }): Promise<{ results: ClientResult[]; sockets: Socket[] }> {
  const upgraded = options.transports.includes('websocket') && options.transports[0] === 'polling';
  const sockets: Socket[] = [];
  const running: Array<Promise<ClientResult>> = [];
  for (let i = 0; i < n; i++) {
    const s = connect(port, options);
    sockets.push(s);
    let hello: Promise<unknown> | undefined;
    if (options.oneByOne) hello = new Promise((resolve) => { s.once('hello', resolve); setTimeout(resolve, options.timeoutMs ?? 10000).unref(); });
    running.push(helloAndEchoes(s, options, upgraded));
    if (hello) await hello;
  }
  return { results: await Promise.all(running), sockets };
}

/** Sessions per worker id among ok results. */
export function perWorker(results: readonly ClientResult[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of results) if (r.ok) m.set(r.worker, (m.get(r.worker) ?? 0) + 1);
  return m;
}

/** "ok/total", with the errors seen, for assertion messages. */
export function summary(results: readonly ClientResult[]): string {
  const errors = new Map<string, number>();
  for (const r of results) if (!r.ok) errors.set(r.error!, (errors.get(r.error!) ?? 0) + 1);
  return `${results.filter((r) => r.ok).length}/${results.length} ok${errors.size ? `; ${[...errors].map(([e, c]) => `${c} x ${e}`).join(', ')}` : ''}`;
}
