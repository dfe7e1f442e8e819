// The runtime inside each worker: serves cluster ports from the master instead of binding them,
// adopts each handed-over connection into the application's own server, reports closes.
import dgram from 'node:dgram';
import net from 'node:net';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { CMD, ENV, isOurs, type WorkerListener } from '../ipc/protocol.js';
import { ClusterHandle, type HandleOwner } from './cluster-handle.js';
import { DgramIntercept } from './dgram-intercept.js';
import { parseListenArgs } from './listen-args.js';
import { collectWorkerMetrics } from '../metrics/worker-metrics.js';
import { FrameChannel, type ReceivedHandle } from '../ipc/frame-channel.js';
import { FRAME, decodeConn, decodeListen, type ConnFrame } from '../ipc/frames.js';
import { ack, flushAccepts, flushReports, forwardToMaster, refuse, reportAccept, reportClose, sendToMaster, setAckBatch, setSocketLookup, useFrames } from './master-channel.js';
import { drainServers, isHttp1 } from './drain.js';
import { RareHandoff } from './rare-handoff.js';
import { hasHandle, listenOn, setPeer } from '../internals/net-server.js';

/** A raw TCP handle as it arrives over IPC. */
interface RawHandle { close(): void }

/** A listening socket handle shared by the master (direct mode). */
interface SharedHandle {
  close(): void;
  listen(backlog: number): number;
  onconnection: ((err: number, client?: RawHandle & { getpeername(out: Record<string, unknown>): number }) => void) | null;
}

/** No connection is being delivered: ids from the master are >= 0, direct ones < 0. */
const NONE = Number.NaN;

const kId = Symbol('portplex.connectionId');
const kHooked = Symbol('portplex.hooked');
/** On a socket of an HTTP/1 server: drain() may close it between requests. */
const kHttp = Symbol('portplex.http');

/** Counters a test or the application may read; malformed input is counted, never thrown. */
export interface RuntimeStats {
  adopted: number;
  refused: number;
  malformed: number;
  /** Direct mode: connections accepted on the shared socket, and accept errors. */
  accepted: number;
  acceptErrors: number;
  /** Direct mode with rules: accepted connections handed back because their content belongs elsewhere. */
  forwarded: number;
}

/** The worker-side runtime; one per process, created by installRuntime(). */
export class WorkerRuntime implements HandleOwner {
  readonly stats: RuntimeStats = { adopted: 0, refused: 0, malformed: 0, accepted: 0, acceptErrors: 0, forwarded: 0 };
  private readonly byPort = new Map<number, WorkerListener[]>();
  private readonly byListener: Array<ClusterHandle | undefined> = [];
  private readonly servers = new Map<ClusterHandle, net.Server>();
  /** Connections we serve, by id (direct ones < 0), for 'held?' and 'peers?'. */
  private readonly held = new Map<number, net.Socket>();
  private readonly shutdownHooks: Array<() => unknown> = [];
  private pendingId = NONE;
  /** Direct mode: per listener, the shared socket the master gave us, while we may accept on it. */
  private readonly shared: Array<SharedHandle | undefined> = [];
  /** Direct mode: the next connection's number, counting down from -1. */
  private nextSeq = -1;
  /** Direct mode with rules: per listener, the step that keeps or hands back what we accept. */
  private readonly rare: Array<RareHandoff | undefined> = [];
  private pendingData: Buffer | undefined;
  private pendingEof = false;
  private pendingPeer: { address: string; port: number; family: string } | undefined;
  private stopping = false;
  private watchingMaster = false;
  // Event-loop delay since the last heartbeat, sampled every 20 ms by libuv, not by JS timers.
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  /** UDP listeners: bind() of a dgram socket on their ports, and their datagrams. */
  readonly dgram: DgramIntercept;

  constructor(
    readonly workerId: number,
    readonly group: string,
    readonly listeners: readonly WorkerListener[],
    private readonly staleAfter: number,
    private readonly grace: number,
  ) {
    for (const l of listeners) {
      if (l.protocol === 'udp') continue;
      if (l.d === 1 && l.c && l.g) this.rare[l.i] = new RareHandoff(l.c, l.g, group);
      const list = this.byPort.get(l.port) ?? [];
      list.push(l);
      this.byPort.set(l.port, list);
    }
    this.dgram = new DgramIntercept(listeners, originalBind, () => {
      this.announce();
      this.refChanged();
    });
    process.on('internalMessage', this.onMessage);
    // Connections and shared sockets arrive as frames (ipc/frames.ts), beside Node's messages.
    useFrames(FrameChannel.open(process, this.onFrame, () => { this.stats.malformed++; }));
    setSocketLookup((seq) => this.held.get(seq));
    this.loopDelay.enable();
  }

  /** TCP ports the master serves for this worker. */
  get ports(): number[] {
    return [...this.byPort.keys()];
  }

  /** UDP ports the master serves for this worker. */
  get udpPorts(): number[] {
    return this.dgram.ports;
  }

  /** Called in place of net.Server.prototype.listen; returns false when the call is not for a cluster port. */
  interceptListen(server: net.Server, args: unknown[]): boolean {
    const target = parseListenArgs(args);
    if (!target) return false;
    const listeners = this.byPort.get(target.port);
    if (!listeners) return false;
    if (hasHandle(server)) return false; // let Node throw ERR_SERVER_ALREADY_LISTEN as usual
    if (listeners.some((l) => this.byListener[l.i] !== undefined)) {
      // A second server on the same port: what a real bind would say.
      const err = Object.assign(new Error(`listen EADDRINUSE: address already in use :::${target.port}`), {
        code: 'EADDRINUSE', errno: -98, syscall: 'listen', port: target.port,
      });
      process.nextTick(() => server.emit('error', err));
      return true;
    }
    if (target.callback) server.once('listening', target.callback);
    if (!(server as unknown as Record<symbol, boolean>)[kHooked]) {
      (server as unknown as Record<symbol, boolean>)[kHooked] = true;
      // First listener, so the connection id and any pre-read bytes attach before the application reads.
      server.prependListener('connection', isHttp1(server) ? this.onHttpConnection : this.onConnection);
    }
    const handle = new ClusterHandle(listeners, this);
    this.servers.set(handle, server);
    const first = listeners[0];
    listenOn(server, handle, first.address, first.port, first.family, target.backlog ?? 511);
    if (target.signal) {
      if (target.signal.aborted) server.close();
      else target.signal.addEventListener('abort', () => server.close(), { once: true });
    }
    return true;
  }

  serve(handle: ClusterHandle): void {
    for (const l of handle.listeners) {
      this.byListener[l.i] = handle;
      this.startAccepting(l.i);
    }
    this.announce();
    this.refChanged();
    // The master died before the application listened: its 'disconnect' has come and gone.
    if (!process.connected) this.onMasterGone();
  }

  unserve(handle: ClusterHandle): void {
    for (const l of handle.listeners) {
      if (this.byListener[l.i] !== handle) continue;
      this.byListener[l.i] = undefined;
      this.closeShared(l.i);
    }
    this.announce();
    this.refChanged();
  }

  /** Keeps the process alive (and watches for the master's death) while a referenced server is served. */
  refChanged(): void {
    let wanted = this.dgram.count > 0;
    for (const h of this.servers.keys()) if (!h.closed && h.referenced) wanted = true;
    if (wanted === this.watchingMaster) return;
    this.watchingMaster = wanted;
    // A 'disconnect' listener is what refs the IPC channel in a child (child_process _forkChild).
    if (wanted) process.on('disconnect', this.onMasterGone);
    else process.removeListener('disconnect', this.onMasterGone);
  }

  /** Tells the master the application is ready even if it serves no cluster port yet. */
  ready(): void {
    sendToMaster({ cmd: CMD, t: 'ready' });
  }

  /** The application sets its own weight (a number) or asks for its configured one back. */
  agent(weight: number | 'undrain'): void {
    sendToMaster({ cmd: CMD, t: 'agent', w: weight });
  }

  /** Registers work to finish before the worker exits on shutdown. */
  onShutdown(hook: () => unknown): void {
    this.shutdownHooks.push(hook);
  }

  private announce(): void {
    const l: number[] = [];
    for (let i = 0; i < this.byListener.length; i++) if (this.byListener[i]) l.push(i);
    this.dgram.listening(l);
    sendToMaster({ cmd: CMD, t: 'listening', l });
  }

  private readonly onMessage = (message: unknown, handle: unknown): void => {
    if (!isOurs(message)) return;
    const m = message as unknown as Record<string, unknown>;
    switch (m.t) {
      case 'lp':
        if (typeof m.l === 'number') this.closeShared(m.l);
        else this.stats.malformed++;
        break;
      case 'stop':
        this.stop();
        break;
      case 'held?':
        // The master must know every connection we list, and every close, before it reads the list.
        flushAccepts();
        flushReports();
        sendToMaster({ cmd: CMD, t: 'held', c: [...this.held.keys()] });
        break;
      case 'peers?':
        this.answerPeers(m.r);
        break;
      case 'metrics?': {
        const r = m.r;
        collectWorkerMetrics().then(
          (metrics) => sendToMaster({ cmd: CMD, t: 'metrics', r: r as number, m: metrics ?? null }),
          (err: Error) => sendToMaster({ cmd: CMD, t: 'metrics', r: r as number, m: null, e: String(err?.message ?? err) }),
        );
        break;
      }
      case 'ping': {
        // Answered at once: a late answer is itself the sign of a blocked loop.
        const d = this.loopDelay.count > 0 ? this.loopDelay.max / 1e6 : 0;
        this.loopDelay.reset();
        sendToMaster({ cmd: CMD, t: 'pong', s: m.s as number, d, a: this.held.size });
        break;
      }
      default:
        this.stats.malformed++;
        if (handle) (handle as RawHandle).close();
    }
  };

  private readonly onFrame = (type: number, b: Buffer, start: number, end: number, handle: ReceivedHandle | undefined): void => {
    // Datagrams: the most frequent frames of a UDP service, first.
    if (type === FRAME.datagrams) return this.dgram.deliver(b, start, end);
    if (type === FRAME.conn) return this.adopt(decodeConn(b, start, end), handle as RawHandle | undefined);
    if (type === FRAME.listen) return this.takeShared(decodeListen(b, start, end), handle as SharedHandle | undefined);
    this.stats.malformed++;
    handle?.close();
  };

  private adopt(f: ConnFrame | undefined, handle: RawHandle | undefined): void {
    if (f === undefined || !handle || typeof handle.close !== 'function') {
      this.stats.malformed++;
      if (handle && typeof handle.close === 'function') handle.close();
      return;
    }
    const id = f.id;
    const target = this.byListener[f.listener];
    let why = '';
    if (this.stopping) why = 'stopping';
    else if (!target || !target.onconnection) why = 'no-server';
    // The master hands a connection elsewhere once its deadline passes; refusing well before
    // that deadline keeps two processes from ever serving one socket.
    else if (Date.now() - f.sentAt > this.staleAfter) why = 'stale';
    if (why) {
      this.stats.refused++;
      handle.close();
      refuse(id, why);
      return;
    }
    this.pendingId = id;
    // A copy: the frame's bytes belong to the channel's read buffer.
    this.pendingData = f.data === undefined ? undefined : Buffer.from(f.data);
    this.pendingEof = f.eof;
    this.pendingPeer = f.peer;
    try {
      target!.onconnection!(0, handle);
    } finally {
      if (this.pendingId === id) {
        // No 'connection' event: the server dropped it (maxConnections) and closed our copy.
        this.pendingId = NONE;
        this.pendingData = undefined;
        this.pendingPeer = undefined;
        this.stats.refused++;
        refuse(id, 'full');
      } else {
        this.stats.adopted++;
        ack(id);
      }
    }
  }

  /** Direct mode: the master gives us listener `l`'s shared socket to accept on. */
  private takeShared(l: unknown, handle: SharedHandle | undefined): void {
    const ours = typeof l === 'number' && this.listeners.some((x) => x.i === l && x.d === 1);
    if (!ours || !handle || typeof handle.listen !== 'function') {
      this.stats.malformed++;
      if (handle && typeof handle.close === 'function') handle.close();
      return;
    }
    this.closeShared(l as number);
    if (this.stopping) {
      handle.close();
      return;
    }
    this.shared[l as number] = handle;
    this.startAccepting(l as number);
  }

  /** Starts accepting on `l` once we hold its shared socket and the application serves it. */
  private startAccepting(l: number): void {
    const h = this.shared[l];
    if (!h || h.onconnection || !this.byListener[l] || this.stopping) return;
    h.onconnection = (err, client) => this.acceptDirect(l, err, client);
    // listen() on the master's bound socket: the first worker puts it in the listening state;
    // for the others it only makes libuv watch it in this process.
    const err = h.listen(this.listeners.find((x) => x.i === l)?.b ?? 511);
    if (err !== 0) {
      this.stats.acceptErrors++;
      this.closeShared(l);
      return;
    }
    sendToMaster({ cmd: CMD, t: 'la', l });
  }

  /** Closes our copy of `l`'s shared socket: the kernel wakes the other holders instead. */
  private closeShared(l: number): void {
    const h = this.shared[l];
    if (!h) return;
    this.shared[l] = undefined;
    h.onconnection = null;
    h.close();
  }

  private acceptDirect(l: number, err: number, client: (RawHandle & { getpeername(out: Record<string, unknown>): number }) | undefined): void {
    const target = this.byListener[l];
    if (err !== 0 || !client) {
      this.stats.acceptErrors++;
      return;
    }
    if (!target?.onconnection) {
      client.close();
      this.stats.refused++;
      return;
    }
    const rare = this.rare[l];
    if (rare) {
      rare.inspect(client, (o) => {
        if (o.keep) this.deliverDirect(l, client, o.bytes, o.eof);
        else if (o.forward) this.forward(l, client, o.bytes, o.eof);
        else {
          client.close();
          sendToMaster({ cmd: CMD, t: 'dd', r: o.reason });
        }
      });
      return;
    }
    this.deliverDirect(l, client, undefined, false);
  }

  /** Gives a connection we accepted to the application's server, and reports it. */
  private deliverDirect(l: number, client: RawHandle & { getpeername(out: Record<string, unknown>): number }, bytes: Buffer | undefined, eof: boolean): void {
    const target = this.byListener[l];
    if (!target?.onconnection) {
      // The application closed its server while the first bytes were read.
      client.close();
      this.stats.refused++;
      return;
    }
    const seq = this.nextSeq--;
    this.pendingData = bytes !== undefined && bytes.length > 0 ? bytes : undefined;
    this.pendingEof = eof;
    this.pendingId = seq;
    try {
      target.onconnection(0, client);
    } finally {
      if (this.pendingId === seq) {
        // Dropped by the application's server (maxConnections): never in the table.
        this.pendingId = NONE;
        this.pendingData = undefined;
        this.pendingEof = false;
        this.stats.refused++;
      } else {
        this.stats.accepted++;
        reportAccept(seq, l);
      }
    }
  }

  /**
   * Names the clients of the connections we accepted ourselves (direct mode), which our accept
   * reports left out: the master is reading its table. remoteAddress asks the socket once and
   * caches the answer, so a client the application already looked up costs nothing here.
   */
  private answerPeers(r: unknown): void {
    // Every connection listed must be known to the master before the answer arrives.
    flushAccepts();
    const p: Array<number | string> = [];
    for (const [id, socket] of this.held) {
      if (id >= 0 || socket.destroyed) continue;
      const address = socket.remoteAddress;
      const port = socket.remotePort;
      if (typeof address === 'string' && typeof port === 'number') p.push(id, address, port);
    }
    sendToMaster({ cmd: CMD, t: 'peers', r: typeof r === 'number' ? r : 0, p });
  }

  /** Hands a connection whose content belongs to another group back through the master. */
  private forward(l: number, client: RawHandle, bytes: Buffer, eof: boolean): void {
    this.stats.forwarded++;
    // Our copy closes once the descriptor has left (or could not: then the client sees a close).
    forwardToMaster(l, bytes, eof, client, () => client.close());
  }

  private readonly onHttpConnection = (socket: net.Socket): void => {
    (socket as unknown as Record<symbol, boolean>)[kHttp] = true;
    this.onConnection(socket);
  };

  private readonly onConnection = (socket: net.Socket): void => {
    const id = this.pendingId;
    if (Number.isNaN(id)) return; // a connection the application emitted itself
    this.pendingId = NONE;
    (socket as unknown as Record<symbol, number>)[kId] = id;
    this.held.set(id, socket);
    socket.on('close', this.onSocketClose);
    if (this.pendingPeer) {
      // The client the master saw (or the one a PROXY header named): net.Socket answers
      // remoteAddress/remotePort from this cache, so it never asks the handle and an
      // application that logs its clients saves a system call.
      setPeer(socket, this.pendingPeer);
      this.pendingPeer = undefined;
    }
    const data = this.pendingData;
    if (data) {
      this.pendingData = undefined;
      socket.unshift(data);
    }
    if (this.pendingEof) {
      // The master read the client's FIN along with the bytes: the stream ends after them.
      this.pendingEof = false;
      socket.push(null);
    }
  };

  // One shared function for every socket: `this` is the socket (no closure per connection).
  private readonly onSocketClose = ((runtime: WorkerRuntime) =>
    function (this: net.Socket): void {
      const id = (this as unknown as Record<symbol, number>)[kId];
      runtime.held.delete(id);
      reportClose(id);
    })(this);

  /** Stops taking connections, lets servers finish in-flight work, then exits. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (let l = 0; l < this.shared.length; l++) this.closeShared(l);
    // UDP sockets close with the listeners: no more datagrams in, replies no longer leave.
    this.dgram.closeAll();
    drainServers([...new Set(this.servers.values())], () => this.httpSockets(), () => {
      flushReports();
      void Promise.allSettled(this.shutdownHooks.map((h) => h())).then(() => {
        // Give the last IPC writes a turn of the loop before leaving.
        setImmediate(() => process.exit(0));
      });
    });
  }

  /** The connections of HTTP/1 servers that we serve. */
  private *httpSockets(): Iterable<net.Socket> {
    for (const s of this.held.values()) if ((s as unknown as Record<symbol, boolean>)[kHttp]) yield s;
  }

  private readonly onMasterGone = (): void => {
    if (this.stopping) return;
    // No master: no new connections will come. Finish what is open, within the grace time.
    setTimeout(() => process.exit(0), this.grace).unref();
    this.stop();
  };
}

let runtime: WorkerRuntime | undefined;
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
    Number(process.env.PORTPLEX_GRACE) || 10000,
  );
  setAckBatch(Number(process.env[ENV.ackBatch]));
  const rt = runtime;
  dgram.Socket.prototype.bind = function bind(this: dgram.Socket, ...args: unknown[]) {
    if (rt.dgram.interceptBind(this, args)) return this;
    return (originalBind as (...a: unknown[]) => dgram.Socket).apply(this, args);
  } as typeof dgram.Socket.prototype.bind;
  const originalListen = net.Server.prototype.listen;
  net.Server.prototype.listen = function listen(this: net.Server, ...args: unknown[]) {
    if (rt.interceptListen(this, args)) return this;
    return (originalListen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof net.Server.prototype.listen;
  return runtime;
}
