// Micro-benchmark of the IPC under dispatch mode: the sender's CPU per message without a handle,
// per Node message carrying a connection's handle (each after the previous NODE_HANDLE_ACK, as
// cluster round-robin does), and per portplex frame carrying one (each after the child's ack
// frame, the same round trip without Node's JSON and acknowledgement).
// Run: node dist/bench/micro/ipc.js [messages] [--json]
import { fork } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FrameChannel } from '../../src/ipc/frame-channel.js';
import { FRAME, encodeConn } from '../../src/ipc/frames.js';

export interface IpcCost {
  messages: number;
  /** Sender CPU (user + system) per message, µs. */
  plainCpuUs: number;
  handleCpuUs: number;
  /** The same hand-over as a portplex frame with its descriptor, answered by an ack frame. */
  frameCpuUs: number;
}

interface InternalServer extends net.Server {
  _handle: { onconnection: (err: number, handle: { close(): void }) => void };
}

export async function measureIpc(messages: number): Promise<IpcCost> {
  const child = fork(fileURLToPath(new URL('../../../bench/apps/ipc-sink.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const server = net.createServer() as InternalServer;
  const clients: net.Socket[] = [];
  try {
    await new Promise((resolve) => child.once('message', resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const handles: Array<{ close(): void }> = [];
    server._handle.onconnection = (_err, h) => handles.push(h);
    const port = (server.address() as net.AddressInfo).port;
    // Connect in small batches so the backlog never overflows.
    while (clients.length < 2 * messages) {
      for (let i = 0; i < 50 && clients.length < 2 * messages; i++) clients.push(net.connect(port, '127.0.0.1').on('error', () => {}));
      while (handles.length < clients.length) await new Promise((r) => setTimeout(r, 2));
    }
    let t = process.cpuUsage();
    for (let i = 0; i < messages; i++) await new Promise<void>((resolve) => child.send({ cmd: 'NODE_PORTPLEX_BENCH', i }, undefined, undefined, () => resolve()));
    let d = process.cpuUsage(t);
    const plainCpuUs = (d.user + d.system) / messages;
    let wake: (() => void) | undefined;
    child.on('internalMessage', (m: { cmd?: string }) => {
      if (m.cmd === 'NODE_HANDLE_ACK' && wake) {
        const w = wake;
        wake = undefined;
        w();
      }
    });
    t = process.cpuUsage();
    for (let i = 0; i < messages; i++) {
      const acked = new Promise<void>((resolve) => { wake = resolve; });
      child.send({ cmd: 'NODE_PORTPLEX_BENCH', i }, handles[i] as never);
      await acked;
    }
    d = process.cpuUsage(t);
    const handleCpuUs = (d.user + d.system) / messages;
    const frames = FrameChannel.open(child, (type) => {
      if (type === FRAME.acks && wake) {
        const w = wake;
        wake = undefined;
        w();
      }
    }, () => {});
    if (!frames) throw new Error('no IPC channel to the child');
    t = process.cpuUsage();
    for (let i = 0; i < messages; i++) {
      const acked = new Promise<void>((resolve) => { wake = resolve; });
      frames.write(encodeConn(i, 0, Date.now(), undefined, false, undefined), handles[messages + i]);
      await acked;
    }
    d = process.cpuUsage(t);
    // Closed after the timing: the child closed its copies, so these closes tear the connections
    // down, which is not what a hand-over costs (there the worker keeps the connection).
    for (const h of handles) h.close();
    return { messages, plainCpuUs, handleCpuUs, frameCpuUs: (d.user + d.system) / messages };
  } finally {
    for (const c of clients) c.destroy();
    server.close();
    child.kill();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 400);
  measureIpc(n).then((r) => {
    if (process.argv.includes('--json')) console.log(JSON.stringify(r));
    else console.log(`${r.messages} messages: ${r.plainCpuUs.toFixed(1)} µs CPU each without a handle, ${r.handleCpuUs.toFixed(1)} µs with one, ${r.frameCpuUs.toFixed(1)} µs as a portplex frame with one`);
  }, (err: Error) => {
    console.error(`bench/micro/ipc: ${err.message}`);
    process.exitCode = 1;
  });
}
