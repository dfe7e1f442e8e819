// The client side of the idle-connections trial, in a process of its own (forked under a raised
// RLIMIT_NOFILE): tens of thousands of sockets do not fit the runner's descriptor limit.
// Messages from the parent: { open: { port, n, concurrency } }, { probe: true }, { count: true };
// the parent kills it when done.
import { openMany, type Held } from './clients.js';

const REQUEST = Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'latin1');

let held: Held | null = null;

/** Sends one request on `s`: 'ok' when an answer comes, 'closed' when the connection ends first, else 'timeout'. */
function ask(s: import('node:net').Socket, timeoutMs: number): Promise<'ok' | 'closed' | 'timeout'> {
  return new Promise((resolve) => {
    const done = (r: 'ok' | 'closed' | 'timeout'): void => {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('close', onClose);
      resolve(r);
    };
    const onData = (): void => done('ok');
    const onClose = (): void => done('closed');
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    s.on('data', onData);
    s.once('close', onClose);
    s.write(REQUEST);
  });
}

process.on('message', async (m: { open?: { port: number; n: number; concurrency: number }; count?: boolean; probe?: boolean }) => {
  if (m.open) {
    const t0 = performance.now();
    const pending: Array<Promise<boolean>> = [];
    held = await openMany(m.open.port, m.open.n, m.open.concurrency, (s) => {
      pending.push(ask(s, 30000).then((r) => r === 'ok'));
    });
    const ok = (await Promise.all(pending)).filter(Boolean).length;
    process.send!({ opened: held.opened, failed: held.failed, answered: ok, ms: performance.now() - t0 });
  } else if (m.count) {
    process.send!({ closedByServer: held?.closedByPeer() ?? 0 });
  } else if (m.probe) {
    const open = (held?.sockets ?? []).filter((s) => !s.destroyed && !s.readableEnded);
    const results = await Promise.all(open.map((s) => ask(s, 20000)));
    const count = (r: string): number => results.filter((x) => x === r).length;
    process.send!({ probed: open.length, answered: count('ok'), closedFirst: count('closed'), timedOut: count('timeout') });
  }
});
process.send!({ ready: true });
