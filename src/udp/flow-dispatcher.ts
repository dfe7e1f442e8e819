// Datagram -> flow -> worker, and the worker's replies back out of the cluster address.
//
// The first datagram of a flow (client address and port on one listener) picks a worker with the
// listener's balancer, exactly as a new TCP connection does; later datagrams of the flow go to
// the same worker while the flow lives. Datagrams travel to the worker over its IPC channel, and
// its replies come back the same way and leave through the master's socket, so the client sees
// the cluster address and port as the source (the seed patent's outbound flow, Fig. 9).
//
// Every step is bounded and nothing a client or a worker sends can throw here: oversize
// datagrams, new flows past the limit, a worker whose channel backs up, malformed replies are
// dropped or evicted, and counted.
import type dgram from 'node:dgram';
import { isIP } from 'node:net';
import type { ClientInfo } from '../balancers/balancer.js';
import type { Config } from '../config/types.js';
import { FRAME, datagramBytes, decodeDatagrams, encodeDatagrams, type Datagram } from '../ipc/frames.js';
import type { Pool } from '../workers/pool.js';
import type { Registry } from '../workers/registry.js';
import type { Worker } from '../workers/worker.js';
import type { WorkerProcess } from '../workers/worker-process.js';
import type { FlowBook } from './flow-book.js';
import type { UdpDropReason, UdpStats } from './udp-stats.js';

/** One worker process's IPC pipe as the datagram path sees it. */
interface Pipe {
  readonly process: WorkerProcess;
  /** Datagrams batched or written and not yet completed. */
  pending: number;
  /** Datagrams waiting for this turn of the event loop's flush, and their size in a U frame. */
  batch: Datagram[];
  bytes: number;
}

/** Datagrams per U frame at most: a burst goes out in frames of bounded size (4 MiB). */
const MAX_BATCH = 64;

export class FlowDispatcher {
  private stopping = false;
  /** Per listener index: its bound socket (UDP listeners only), and whether it is IPv6. */
  private readonly sockets: Array<dgram.Socket | undefined> = [];
  private readonly ipv6: boolean[] = [];
  /** Per process: a new process gets a fresh count (late callbacks of the old one land on the old object). */
  private readonly pipes = new WeakMap<WorkerProcess, Pipe>();
  /** Pipes with a batch to write at the end of this turn of the event loop. */
  private readonly dirty: Pipe[] = [];
  private flushScheduled = false;
  /** The worker whose current process sent the R frame being read (see onReplies). */
  private replyWorker: Worker | undefined;
  private replyKey = 0;
  // Reused per new flow: the balancer only reads it during pick().
  private readonly client = { address: '', port: 0 } satisfies ClientInfo;
  private readonly onSent = (err: Error | null): void => {
    if (err) this.stats.dropped.send_error++;
  };

  constructor(
    private readonly config: Config,
    private readonly pools: readonly Pool[],
    readonly book: FlowBook,
    readonly stats: UdpStats,
    private readonly registry: Registry,
  ) {}

  /** The socket that replies on `listener` leave through. */
  attach(listener: number, socket: dgram.Socket, family: 'IPv4' | 'IPv6'): void {
    this.sockets[listener] = socket;
    this.ipv6[listener] = family === 'IPv6';
  }

  /** The UDP listeners' datagram callback: the per-datagram hot path. */
  readonly onDatagram = (listener: number, msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    this.stats.received[listener]++;
    if (this.stopping) return this.drop('shutdown');
    if (msg.length > this.config.udpMaxDatagram) return this.drop('oversize');
    const now = Date.now();
    const book = this.book;
    let id = book.find(rinfo.address, rinfo.port, listener);
    let worker: Worker | undefined;
    if (id >= 0) {
      const wid = book.workerOf(id);
      worker = wid >= 0 ? this.registry.byId(wid) : undefined;
      if (worker !== undefined && serves(worker, listener)) {
        book.touch(id, now);
      } else {
        // Its worker died or stopped serving the port: the flow starts over with another one.
        book.close(id, 'moved');
        id = -1;
      }
    }
    if (id < 0) {
      worker = this.choose(listener, rinfo.address, rinfo.port);
      if (worker === undefined) return this.drop('no_worker');
      id = book.open(rinfo.address, rinfo.port, listener, worker.id, worker.process!.pid, now);
      if (id < 0) return this.drop('flow_limit');
    }
    this.forward(worker!, listener, msg, rinfo);
  };

  private choose(listener: number, address: string, port: number): Worker | undefined {
    this.client.address = address;
    this.client.port = port;
    return this.pools[listener]!.pickFlow(this.client);
  }

  private forward(worker: Worker, listener: number, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const pipe = this.pipeOf(worker.process);
    if (pipe === undefined || !pipe.process.connected) return this.drop('worker_gone');
    // The callback runs once the write reached the kernel: pending counts what waits in Node's
    // queue for this child (a full pipe, or a hand-over's ACK holding the channel), bounded.
    if (pipe.pending >= this.config.udpWorkerQueue) return this.drop('queue_full');
    pipe.pending++;
    // Datagrams read in one turn of the event loop (libuv reads up to 32 per poll) go to each
    // worker as one U frame: one write, one read, no JSON or base64 on either side.
    if (pipe.batch.length === 0) {
      this.dirty.push(pipe);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    }
    const d: Datagram = { listener, address: rinfo.address, port: rinfo.port, data: msg };
    pipe.batch.push(d);
    pipe.bytes += datagramBytes(d);
    if (pipe.batch.length >= MAX_BATCH) this.write(pipe);
    this.stats.countIn(worker.id, msg.length);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    for (let i = 0; i < this.dirty.length; i++) this.write(this.dirty[i]);
    this.dirty.length = 0;
  };

  /** Writes a pipe's batch as one U frame. */
  private write(pipe: Pipe): void {
    const batch = pipe.batch;
    const n = batch.length;
    if (n === 0) return;
    pipe.batch = [];
    const frame = encodeDatagrams(FRAME.datagrams, batch, pipe.bytes);
    pipe.bytes = 0;
    if (!pipe.process.connected) {
      pipe.pending -= n;
      this.stats.dropped.worker_gone += n;
      return;
    }
    // The callback runs once the write reached the kernel: pending counts what waits in the
    // pipe's queue for this child (a worker slow to read), bounded by udpWorkerQueue.
    const done = (status: number): void => {
      pipe.pending -= n;
      if (status !== 0) this.stats.dropped.send_error += n;
    };
    if (!pipe.process.write(frame, undefined, done)) {
      pipe.pending -= n;
      this.stats.dropped.send_error += n;
    }
  }

  private pipeOf(p: WorkerProcess | undefined): Pipe | undefined {
    if (p === undefined) return undefined;
    let pipe = this.pipes.get(p);
    if (pipe === undefined) {
      pipe = { process: p, pending: 0, batch: [], bytes: 0 };
      this.pipes.set(p, pipe);
    }
    return pipe;
  }

  /**
   * A worker's R frame: datagrams for clients, each sent from its listener's socket. `key` is the
   * table key of the process (its worker id, or a retired process's key during a reload);
   * `worker` is set when the frame came from a worker's current process, which may also open
   * flows by sending first. A malformed frame is counted and sends nothing.
   */
  onReplies(worker: Worker | undefined, key: number, b: Buffer, start: number, end: number): void {
    this.replyWorker = worker;
    this.replyKey = key;
    if (decodeDatagrams(b, start, end, this.reply) < 0) this.stats.malformed++;
    this.replyWorker = undefined;
  }

  // Bound once: decodeDatagrams calls it per datagram, with the sender in replyWorker/replyKey.
  private readonly reply = (l: number, a: string, p: number, data: Buffer): void => {
    const worker = this.replyWorker;
    if (l >= this.config.listeners.length || p < 1) {
      this.stats.malformed++;
      return;
    }
    const listener = this.config.listeners[l];
    const family = isIP(a);
    if (listener.protocol !== 'udp' || family === 0 || (worker !== undefined && listener.group !== worker.group.name)) {
      this.stats.malformed++;
      return;
    }
    if (data.length > this.config.udpMaxDatagram) return this.drop('oversize');
    const socket = this.sockets[l];
    if (socket === undefined || this.stopping) return this.drop('shutdown');
    const now = Date.now();
    const id = this.book.find(a, p, l);
    if (id >= 0) this.book.touch(id, now);
    // Sending first opens the flow for that worker, so the answer comes back to it.
    else if (worker !== undefined && serves(worker, l)) this.book.open(a, p, l, worker.id, worker.process!.pid, now);
    // A socket bound to "::" sends to IPv4 clients by their mapped address.
    const to = family === 4 && this.ipv6[l] ? `::ffff:${a}` : a;
    try {
      // data is a view into the frame's read buffer, which nothing reuses: no copy needed.
      socket.send(data, p, to, this.onSent);
    } catch {
      return this.drop('send_error');
    }
    this.stats.countOut(this.replyKey, data.length);
  };

  /** A worker's process is gone: its flows end and reopen elsewhere on their next datagram. */
  processGone(worker: Worker): void {
    this.book.purgeWorker(worker.id);
  }

  /** A worker no longer serves these UDP listeners (its socket closed): their flows move on. */
  listenersChanged(worker: Worker): void {
    const p = worker.process;
    for (let l = 0; l < this.config.listeners.length; l++) {
      if (this.config.listeners[l]!.protocol === 'udp' && p?.listening(l) !== true) this.book.purgeWorkerListener(worker.id, l);
    }
  }

  /** Periodic: ends flows idle past their listener's timeout. */
  tick(now: number): void {
    this.book.expire(now, this.timeoutOf);
  }

  private readonly timeoutOf = (listener: number): number => this.config.listeners[listener].udpTimeout;

  /** No more datagrams are relayed either way. */
  stop(): void {
    this.stopping = true;
  }

  private drop(reason: UdpDropReason): void {
    this.stats.dropped[reason]++;
  }
}

/** The worker's current process is up and its application has the listener's socket bound. */
function serves(worker: Worker, listener: number): boolean {
  return worker.process?.serves(listener) === true;
}
