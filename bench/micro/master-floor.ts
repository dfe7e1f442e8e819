// Micro-benchmark: the least CPU a Node master can spend per connection it hands over. A bare
// master accepts on the raw handle (no net.Socket), writes each descriptor to one of two children
// in a portplex frame (each answers with an ack frame, as a worker does) and closes its copy:
// no balancer, no record, no metrics. Set beside the master CPU per connection of the real
// setups, it splits dispatch mode's master cost into Node's and the kernel's part and portplex's.
// Run: node dist/bench/micro/master-floor.js [connections] [--json]
import { fork, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FrameChannel } from '../../src/ipc/frame-channel.js';
import { encodeConn } from '../../src/ipc/frames.js';
import { median } from '../stats.js';

export interface MasterFloor {
  /** Connections timed per way and round (after as many again to warm up); figures are medians of 3 rounds. */
  connections: number;
  /** Master CPU (user + system) per connection accepted and closed at once, µs. */
  acceptCpuUs: number;
  /** Master CPU per connection accepted, handed to a child in a frame and closed, µs. */
  handOverCpuUs: number;
}

type RawHandle = { close(): void };
interface InternalServer extends net.Server {
  _handle: { onconnection: (err: number, handle: RawHandle | undefined) => void };
}

const ROUNDS = 3;
const APPS = new URL('../../../bench/apps/', import.meta.url);

/** Settles when `child` emits `event`; rejects if it exits first (for `event` 'exit': resolves then). */
function once(child: ChildProcess, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once(event, () => resolve());
    child.once('exit', (code) => reject(new Error(`${event}: child exited (${code})`)));
    child.once('error', reject);
  });
}

/** Master CPU per connection over `connections`, with `each` run on every accepted handle. */
async function timeAccepts(connections: number, each: (h: RawHandle, n: number) => void): Promise<number> {
  const server = net.createServer() as InternalServer;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  let n = 0;
  let t0 = process.cpuUsage();
  let done: (us: number) => void = () => {};
  const result = new Promise<number>((resolve) => { done = resolve; });
  server._handle.onconnection = (err, h) => {
    if (err !== 0 || !h) return;
    n++;
    if (n === connections) t0 = process.cpuUsage();
    each(h, n);
    if (n === 2 * connections) {
      const d = process.cpuUsage(t0);
      done((d.user + d.system) / connections);
    }
  };
  // The suite's load generator and load (50 connections), so the master batches accepts as it
  // does in the setups; wrk counts the closed connections as errors and opens the next.
  const load = spawn('wrk', ['-t1', '-c50', '-d60s', `http://127.0.0.1:${port}/`], { stdio: 'ignore' });
  try {
    return await Promise.race([result, once(load, 'exit').then(() => { throw new Error('wrk stopped before the connections were counted'); })]);
  } finally {
    load.kill('SIGKILL');
    server.close();
  }
}

export async function measureMasterFloor(connections: number): Promise<MasterFloor> {
  const sinks = [0, 1].map(() => fork(fileURLToPath(new URL('./ipc-sink.js', APPS)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    await Promise.all(sinks.map((s) => once(s, 'message')));
    const channels = sinks.map((s) => {
      const c = FrameChannel.open(s, () => {}, () => {});
      if (!c) throw new Error('no IPC channel to the sink');
      return c;
    });
    const accept: number[] = [];
    const handOver: number[] = [];
    // Alternating rounds, medians: one round is a second or two of a machine that drifts.
    for (let r = 0; r < ROUNDS; r++) {
      accept.push(await timeAccepts(connections, (h) => h.close()));
      handOver.push(await timeAccepts(connections, (h, n) => {
        // Closed once the descriptor has left, as dispatch mode does.
        if (!channels[n & 1].write(encodeConn(n, 0, Date.now(), undefined, false), h, () => h.close())) h.close();
      }));
    }
    return { connections, acceptCpuUs: median(accept)!, handOverCpuUs: median(handOver)! };
  } finally {
    for (const s of sinks) s.kill();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 20000);
  measureMasterFloor(n).then((r) => {
    if (process.argv.includes('--json')) console.log(JSON.stringify(r));
    else console.log(`a bare Node master, ${r.connections} connections: ${r.acceptCpuUs.toFixed(1)} µs CPU each to accept and close, ${r.handOverCpuUs.toFixed(1)} µs to accept, hand over in a frame and close`);
  }, (err: Error) => {
    console.error(`bench/micro/master-floor: ${err.message}`);
    process.exitCode = 1;
  });
}
