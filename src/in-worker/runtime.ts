// The runtime inside each worker, composed of one piece per concern:
//   listen-intercept.ts  listen() on a cluster port serves the master's connections instead of binding
//   adopt.ts             a connection the master hands over, given to the application's server
//   first-read.ts        of an HTTP or TLS server, read first, so the master's copy can stand in until then
//   direct-accept.ts     direct mode: accept on the shared socket ourselves, and report it
//   delivery.ts          the step both share: into the server, with the bytes read; closes reported
//   dgram-intercept.ts   UDP: bind() on a cluster port, datagrams through the master
//   messages.ts          the master's messages; master-channel.ts what we send back
//   drain.ts             stop: finish what is open, lose nothing (http2-sessions.ts: HTTP/2's part)
//   websockets.ts        and the `ws` package's WebSockets get 1001 (going away) when the drain starts
//   request-count.ts     the HTTP requests our servers receive, for the master's maxRequests
//   cluster-worker.ts    cluster.worker, for an application with its own cluster code (internals/cluster-role.ts)
import dgram from 'node:dgram';
import net from 'node:net';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { actAsClusterWorker } from '../internals/cluster-role.js';
import { FrameChannel, type ReceivedHandle } from '../ipc/frame-channel.js';
import { FRAME, decodeConn, decodeListen } from '../ipc/frames.js';
import { CMD, ENV, dispatch, isOurs, parseToWorker, type WorkerListener } from '../ipc/protocol.js';
import type { SharedListenHandle } from '../internals/tcp-handle.js';
import { Adoption } from './adopt.js';
import { exclusiveBindArgs } from './bind-args.js';
import { ClusterWorker } from './cluster-worker.js';
import { Delivery, type ArrivedHandle } from './delivery.js';
import { DgramIntercept } from './dgram-intercept.js';
import { DirectAccept } from './direct-accept.js';
import { drainServers } from './drain.js';
import { FaultReport } from './fault-report.js';
import { appThrow, caught, onFault } from './faults.js';
import { Http2Sessions } from './http2-sessions.js';
import { ListenIntercept } from './listen-intercept.js';
import { ListenRequests } from './listen-requests.js';
import { RequestIds } from '../ipc/request-ids.js';
import { RequestCount } from './request-count.js';
import { SessionReport } from './session-report.js';
import { IpcMasterChannel, type MasterChannel } from './master-channel.js';
import { workerMessageTable } from './messages.js';
import { UsageMeter } from './usage.js';
import { WebSockets } from './websockets.js';
import { newRuntimeStats, type RuntimeStats } from './stats.js';

export type { RuntimeStats } from './stats.js';


/** The worker-side runtime; one per process, created by installRuntime(). */
export class WorkerRuntime {
  readonly stats: RuntimeStats = newRuntimeStats();
  /** UDP listeners: bind() of a dgram socket on their ports, and their datagrams. */
  readonly dgram: DgramIntercept;
  /** What we tell the master: made here, once, and given to each piece that talks to it. */
  readonly channel: MasterChannel;
  private readonly delivery: Delivery;
  private readonly requests: ListenRequests;
  private readonly sessions = new Http2Sessions();
  private readonly requestCount = new RequestCount();
  private readonly websockets: WebSockets;
  private readonly serving: ListenIntercept;
  private readonly adoption: Adoption;
  private readonly direct: DirectAccept;
  private readonly messages: ReturnType<typeof workerMessageTable>;
  private readonly shutdownHooks: Array<() => unknown> = [];
  private readonly drainHooks: Array<() => void> = [];
  private stopping = false;
  private exiting = false;
  private watchingMaster = false;
  // Event-loop delay since the last heartbeat, sampled every 20 ms by libuv, not by JS timers.
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private readonly usage = new UsageMeter((err) => caught('usage', err));

  constructor(
    readonly workerId: number,
    readonly group: string,
    readonly listeners: readonly WorkerListener[],
    staleAfter: number,
    private readonly grace: number,
    ownPorts: ReadonlySet<number> = new Set(),
    ackBatch = 1,
  ) {
    // Connections and shared sockets arrive as frames (ipc/frames.ts), beside Node's messages;
    // our acks and reports leave on the same pipe. The lookup reads `delivery` only when a
    // report leaves, long after this constructor.
    const frames = FrameChannel.open(process, this.onFrame, () => { this.stats.malformed++; });
    const channel = new IpcMasterChannel(process, frames, ackBatch, (seq) => this.delivery.held.get(seq));
    this.channel = channel;
    // First: what goes wrong in our own code from here on is counted and told, never thrown.
    onFault(new FaultReport(this.stats, channel).add);
    const isStopping = (): boolean => this.stopping;
    this.delivery = new Delivery(channel);
    this.requests = new ListenRequests(channel, new RequestIds());
    this.websockets = new WebSockets(grace);
    this.serving = new ListenIntercept(listeners, this.delivery, {
      changed: () => {
        this.announce();
        this.refChanged();
        // The master died before the application listened: its 'disconnect' has come and gone.
        if (!process.connected) this.onMasterGone();
      },
      served: (l) => this.direct.start(l),
      unserved: (l) => this.direct.close(l),
      refChanged: () => this.refChanged(),
      hooked: (server) => {
        this.sessions.watch(server);
        this.requestCount.watch(server);
        this.websockets.watch();
      },
    }, this.requests, new SessionReport(channel), ownPorts);
    this.adoption = new Adoption(channel, this.delivery, this.serving, this.stats, staleAfter, isStopping);
    this.direct = new DirectAccept(channel, listeners, group, this.delivery, this.serving, this.stats, isStopping);
    this.dgram = new DgramIntercept(channel, listeners, originalBind, () => {
      this.announce();
      this.refChanged();
    });
    this.messages = workerMessageTable(channel, {
      stop: () => this.stop(),
      releaseShared: (l) => this.direct.close(l),
      answerPeers: (r) => this.direct.answerPeers(r),
      heldIds: () => [...this.delivery.held.keys(), ...this.adoption.readingIds()],
      heldCount: () => this.delivery.held.size,
      listenAnswer: (q, a) => this.requests.answer(q, a),
      loopDelay: () => {
        const d = this.loopDelay.count > 0 ? this.loopDelay.max / 1e6 : 0;
        this.loopDelay.reset();
        return d;
      },
      usage: () => this.usage.sample(),
      requests: () => this.requestCount.total,
    });
    process.on('internalMessage', this.onMessage);
    this.loopDelay.enable();
  }

  /** TCP ports the master serves for this worker. */
  get ports(): number[] {
    return this.serving.ports;
  }

  /** UDP ports the master serves for this worker. */
  get udpPorts(): number[] {
    return this.dgram.ports;
  }

  /** Called in place of net.Server.prototype.listen; false when the call is not for a cluster port. */
  interceptListen(server: net.Server, args: unknown[]): boolean {
    return this.serving.intercept(server, args);
  }

  /** Tells the master the application is ready even if it serves no cluster port yet. */
  ready(): void {
    this.channel.send({ cmd: CMD, t: 'ready' });
  }

  /** The application sets its own weight (a number) or asks for its configured one back. */
  agent(weight: number | 'undrain'): void {
    this.channel.send({ cmd: CMD, t: 'agent', w: weight });
  }

  /** Registers what to do when the worker starts to drain (close WebSockets, end long polls). */
  onDrain(hook: () => void): void {
    this.drainHooks.push(hook);
  }

  /** Registers work to finish before the worker exits on shutdown. */
  onShutdown(hook: () => unknown): void {
    this.shutdownHooks.push(hook);
  }

  /** Keeps the process alive (and watches for the master's death) while a referenced server is served. */
  private refChanged(): void {
    const wanted = this.dgram.count > 0 || this.serving.referenced;
    if (wanted === this.watchingMaster) return;
    this.watchingMaster = wanted;
    // A 'disconnect' listener is what refs the IPC channel in a child (child_process _forkChild).
    if (wanted) process.on('disconnect', this.onMasterGone);
    else process.removeListener('disconnect', this.onMasterGone);
  }

  private announce(): void {
    const l = this.serving.servedList();
    this.dgram.listening(l);
    this.channel.send({ cmd: CMD, t: 'listening', l });
  }

  private readonly onMessage = (message: unknown, handle: unknown): void => {
    if (!isOurs(message)) return;
    let m: ReturnType<typeof parseToWorker>;
    try {
      m = parseToWorker(message);
      if (m !== undefined) dispatch(this.messages, undefined, m);
      else this.stats.malformed++;
    } catch (err) {
      caught(m?.t === 'ping' ? 'heartbeat' : 'message', err);
    }
    // Descriptors come in frames only.
    if (handle && typeof (handle as ArrivedHandle).close === 'function') (handle as ArrivedHandle).close();
  };

  private readonly onFrame = (type: number, b: Buffer, start: number, end: number, handle: ReceivedHandle | undefined): void => {
    try {
      // Datagrams: the most frequent frames of a UDP service, first.
      if (type === FRAME.datagrams) return this.dgram.deliver(b, start, end);
      // Adoption guards its own connection: it alone knows whether the connection was taken.
      if (type === FRAME.conn) return this.adoption.adopt(decodeConn(b, start, end), handle);
      if (type === FRAME.listen) return this.direct.take(decodeListen(b, start, end), handle as SharedListenHandle | undefined);
      this.stats.malformed++;
      handle?.close();
    } catch (err) {
      caught('frame', err);
    }
  };

  /** Stops taking connections, lets servers finish in-flight work, then exits. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    // UDP sockets close with the listeners: no more datagrams in, replies no longer leave.
    this.dgram.closeAll();
    // Direct mode: what the kernel queued on the shared sockets is taken (and served) first.
    this.direct.closeAllQuietly(() => this.drain());
  }

  /** The servers finish what they have; the application's drain hooks run. */
  private drain(): void {
    // A fault in one step must not keep the others from running: the process would not end.
    try {
      this.adoption.giveAllOn();
    } catch (err) {
      caught('drain', err);
    }
    try {
      drainServers(this.serving.allServers(), this.sessions, this.grace, this.drained);
    } catch (err) {
      caught('drain', err);
      // The servers may never say they are done: the process ends at --grace, as it would.
      setTimeout(this.drained, this.grace).unref();
    }
    // The application's own long-lived connections (server-sent events, long polls, WebSockets
    // of other libraries) are its to end, with its protocol's goodbye.
    for (const h of this.drainHooks) {
      try {
        h();
      } catch (err) {
        process.emitWarning(`portplex onDrain(): ${(err as Error).message}`);
      }
    }
    // After the hooks: a WebSocket the application closed there keeps the code it chose.
    try {
      this.websockets.goingAway();
    } catch (err) {
      caught('websocket', err);
    }
  }

  /** The servers are done: the application's shutdown hooks run, then the process exits. */
  private readonly drained = (): void => {
    if (this.exiting) return;
    this.exiting = true;
    try {
      this.channel.flushReports();
    } catch (err) {
      caught('report', err);
    }
    // Each hook is the application's; one that throws is a rejected promise here, as before.
    void Promise.allSettled(this.shutdownHooks.map(runHook)).then(() => {
      // Give the last IPC writes a turn of the loop before leaving.
      setImmediate(() => process.exit(0));
    });
  };

  private readonly onMasterGone = (): void => {
    if (this.stopping) return;
    // No master: no new connections will come. Finish what is open, within the grace time.
    setTimeout(() => process.exit(0), this.grace).unref();
    this.stop();
  };
}

let runtime: WorkerRuntime | undefined;

/** Runs an onShutdown() hook: a hook's synchronous throw is the application's, and stays uncaught. */
function runHook(h: () => unknown): unknown {
  try {
    return h();
  } catch (err) {
    throw appThrow(err);
  }
}

/** The ports each worker binds itself, from the master's JSON list (nothing when absent or bad). */
function ownPortsFromEnv(text: string | undefined): Set<number> {
  try {
    const list: unknown = JSON.parse(text ?? '[]');
    return new Set(Array.isArray(list) ? list.filter((p): p is number => Number.isInteger(p)) : []);
  } catch {
    return new Set();
  }
}
const originalBind = dgram.Socket.prototype.bind as unknown as (...args: unknown[]) => void;

/** The runtime of this process, when it is a portplex worker. */
export function currentRuntime(): WorkerRuntime | undefined {
  return runtime;
}

/** Installs the runtime from the environment the master set; a no-op outside a portplex worker. */
export function installRuntime(): WorkerRuntime | undefined {
  if (runtime) return runtime;
  const listenersJson = process.env[ENV.listeners];
  if (!listenersJson || typeof process.send !== 'function') return undefined;
  let listeners: WorkerListener[];
  try {
    listeners = JSON.parse(listenersJson) as WorkerListener[];
  } catch {
    return undefined;
  }
  runtime = new WorkerRuntime(
    Number(process.env[ENV.workerId]),
    process.env[ENV.group] ?? 'default',
    listeners,
    Number(process.env[ENV.staleAfter]) || 1000,
    Number(process.env[ENV.grace]) || 10000,
    ownPortsFromEnv(process.env[ENV.ownPorts]),
    Number(process.env[ENV.ackBatch]),
  );
  const rt = runtime;
  dgram.Socket.prototype.bind = function bind(this: dgram.Socket, ...args: unknown[]) {
    if (rt.dgram.interceptBind(this, args)) return this;
    return (originalBind as (...a: unknown[]) => dgram.Socket).apply(this, exclusiveBindArgs(args));
  } as typeof dgram.Socket.prototype.bind;
  const originalListen = net.Server.prototype.listen;
  net.Server.prototype.listen = function listen(this: net.Server, ...args: unknown[]) {
    if (rt.interceptListen(this, args)) return this;
    return (originalListen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof net.Server.prototype.listen;
  // An application with its own cluster code takes its worker branch; the master says so once.
  actAsClusterWorker(new ClusterWorker(rt.workerId, () => rt.stop()), (file) => {
    const f = file?.startsWith('file:') ? fileURLToPath(file) : file;
    rt.channel.send(f === undefined ? { cmd: CMD, t: 'cu' } : { cmd: CMD, t: 'cu', f });
  });
  return runtime;
}
