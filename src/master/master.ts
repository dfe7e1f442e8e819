// The master: binds the listeners, keeps a process running for every worker, and routes what
// happens between them. Each piece of state has one owner, and this file only wires them:
//   workers/registry.ts     who the workers are (membership); workers/pools.ts their candidates
//   workers/worker-process  one forked process: channel, lifecycle, hand-overs in flight
//   supervisor/             forks, restarts, reloads and stops processes
//   master/handoffs.ts      the connections the master holds, until a process takes them
//   master/direct-listener  direct mode's records and who holds the shared sockets
//   udp/                    datagram flows
import { EventEmitter } from 'node:events';
import { describeSocket, type ActivatedSocket } from '../config/activated.js';
import type { Config, ListenerConfig, UserConfig } from '../config/types.js';
import { validateConfig } from '../config/validate.js';
import { CODES, EXIT, PortplexError } from '../errors.js';
import { processSubject, type EventKind, type EventSubject, type LifecycleEvent } from '../event-kinds.js';
import { HealthMonitor } from '../health/monitor.js';
import { assertSupportedNode } from '../internals/check.js';
import type { ReceivedHandle } from '../ipc/frame-channel.js';
import { CMD, dispatch, type ToMaster, type WorkerListener } from '../ipc/protocol.js';
import { recycleVerdict } from '../supervisor/recycle.js';
import { Supervisor, type ReloadResult } from '../supervisor/supervisor.js';
import { ConnectionTable } from '../table/connection-table.js';
import type { ConnectionRecord, RecordFilter } from '../table/types.js';
import { FlowBook } from '../udp/flow-book.js';
import { FlowDispatcher } from '../udp/flow-dispatcher.js';
import { UdpListener } from '../udp/udp-listener.js';
import { UdpStats } from '../udp/udp-stats.js';
import { Pools } from '../workers/pools.js';
import { Registry } from '../workers/registry.js';
import { exitReason } from '../workers/exit-reason.js';
import { Worker } from '../workers/worker.js';
import type { WorkerProcess } from '../workers/worker-process.js';
import type { ActivatedSockets } from './activated.js';
import { ClusterNotice } from './cluster-notice.js';
import { DirectListener } from './direct-listener.js';
import { DispatchListener } from './dispatch-listener.js';
import { EventRing, type EventView } from './events.js';
import { connectionBudget, prereadingLimit } from './fd-budget.js';
import { Handoffs } from './handoffs.js';
import type { InheritedSockets } from './inherited.js';
import { Lifecycle } from './lifecycle.js';
import { listenFailure } from './listen-failure.js';
import { Listener, type ListenerOrigin } from './listener.js';
import { OnDemandListeners } from './on-demand.js';
import { PendingQueue } from './pending-queue.js';
import { Preread } from './preread.js';
import { SessionTable } from './sessions.js';
import { Requests } from './requests.js';
import { RequestIds } from '../ipc/request-ids.js';
import { MasterStats } from './stats.js';
import { frameTable } from './worker-frames.js';
import { workerInfo, type WorkerInfo } from './worker-info.js';
import { allowedWhilePending, messageTable, type Sender } from './worker-messages.js';

export type { WorkerInfo } from './worker-info.js';
export type { EventView } from './events.js';
export type { ListenerOrigin } from './listener.js';

/** A listening socket as `portplex upgrade` passes it to the new master. */
export interface TransferableSocket {
  readonly protocol: 'tcp';
  /** The configured host and port (port 0: the system chose `boundPort`). */
  readonly host: string | undefined;
  readonly port: number;
  readonly boundPort: number;
  readonly handle: object;
  /** Passed by systemd: what it is, so that the new master matches it as systemd's. */
  readonly systemd?: ActivatedSocket;
}
export type { MasterState } from './lifecycle.js';

/** A bound listener as status queries see it. */
export interface ListenerInfo {
  index: number;
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
  family: string;
  /** The default group. */
  group: string;
  /** Every group the listener routes to, the default first. */
  groups: string[];
  algorithm: string;
  mode: 'dispatch' | 'direct';
  /** Bound because a worker's listen() asked for it (not configured). */
  onDemand: boolean;
  /** Closed: asked for by the app, whose servers there have all closed (bound again on its next listen()). */
  closed: boolean;
  /** Where its socket came from: bound by this master, passed by systemd, or by the master it replaced. */
  origin: ListenerOrigin;
  /** A socket from systemd: its FileDescriptorName=, if it has one. */
  fdName?: string;
}

/**
 * Which workers may take a new connection (see workers/pool.ts): one whose oldest hand-over
 * has waited slowAfterMs gets none until it answers; with an 'idle-first' balancer, one that
 * is neither idle nor reading its pipe, and has not answered within activeWithinMs, gets none
 * while another can take it. A healthy worker answers within one turn of its event loop:
 * about half a millisecond idle, a few under load.
 */
export const HANDOFF_LIMITS = Object.freeze({ activeWithinMs: 2, slowAfterMs: 20 });

/**
 * Events: 'listening' (ListenerInfo[]) once bound; 'listener' (ListenerInfo) for each listener
 * bound later because a worker's listen() asked for it; 'ready' once every worker is ready;
 * 'worker-ready' (WorkerInfo); 'worker-exit' (WorkerInfo, and how it ended: "exited with code 3",
 * "was killed by SIGKILL from outside portplex"); 'draining' when a stop has waited its
 * shutdownDelay and stops accepting; 'log' (string); 'event' (LifecycleEvent) for each lifecycle
 * event recorded in `events`; 'error' (PortplexError: a crash loop or an unsupported Node, after
 * which the master stops itself). The master's own state, and its 'change' events, are
 * `lifecycle`'s.
 */
export class Master extends EventEmitter {
  readonly config: Config;
  /** starting, serving, reloading, upgrading, stopping, stopped: changed by this master only. */
  readonly lifecycle = new Lifecycle();
  readonly table = new ConnectionTable();
  readonly stats: MasterStats;
  /** Datagram counters of the UDP listeners. */
  readonly udpStats: UdpStats;
  /** UDP flows (records of `table`) in least-recently-active order. */
  readonly flows: FlowBook;
  /** Sticky sessions: which worker created each session key the workers reported. */
  readonly sessions: SessionTable;
  /** The last lifecycle events (a process started, exited, was drained...), newest last: read-only. */
  readonly events: EventView;
  private readonly eventRing = new EventRing();
  private readonly bound: Array<Listener | UdpListener>;
  /** Every listener's configuration by index: the configured ones, then those workers asked for. */
  private readonly listenerConfigs: ListenerConfig[];
  private readonly onDemand: OnDemandListeners;
  private readonly queue: PendingQueue;
  private readonly preread: Preread;
  private readonly registry: Registry;
  private readonly pools: Pools;
  private readonly handoffs: Handoffs;
  private readonly dispatchListener: DispatchListener;
  /** Direct mode's records and shared sockets (with no direct listener, only its checks of what workers say). */
  private readonly direct: DirectListener;
  private readonly udp: FlowDispatcher;
  private readonly supervisor: Supervisor;
  private readonly health: HealthMonitor<WorkerProcess>;
  /** The master's one source of request ids, for every question it asks a worker (pings, metrics?, peers?). */
  private readonly requestIds = new RequestIds();
  private readonly requests = new Requests(this.requestIds);
  private readonly clusterNotice: ClusterNotice;
  private readonly messages: ReturnType<typeof messageTable>;
  private readonly frames: ReturnType<typeof frameTable>;
  private ticker: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private expirer: NodeJS.Timeout | undefined;
  private stopPromise: Promise<number> | undefined;
  /** A forced stop (kill()): the stop's waits end at once. */
  private hurried = false;
  /** Ends the stop's current wait early (kill()). */
  private wake: (() => void) | undefined;
  private resolveClosed!: (code: number) => void;
  /** Resolves with the exit status once the master has stopped (for any reason). */
  readonly closed: Promise<number>;
  private readyEmitted = false;
  /** Sockets passed by the master this one replaces (`portplex upgrade`), until ready. */
  private readonly inherited: InheritedSockets | undefined;
  /** Sockets systemd passed (socket activation), which the listeners of `config` matched to them take. */
  private readonly activated: ActivatedSockets | undefined;

  /**
   * `inherited`: the listening sockets of the master this one replaces, taken by address.
   * `activated`: the sockets systemd passed, as `config` was validated with (validateConfig's
   * third argument): each listener matched to one takes it instead of binding.
   */
  constructor(config: Config, inherited?: InheritedSockets, activated?: ActivatedSockets) {
    super();
    this.config = config;
    this.events = this.eventRing.view();
    this.inherited = inherited;
    this.activated = activated;
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve; });
    this.stats = new MasterStats(config.listeners.length);
    this.bound = config.listeners.map((l) => this.listenerFor(l));
    this.listenerConfigs = [...config.listeners];
    this.onDemand = new OnDemandListeners((group, host, port, path, again) => this.bindOnDemand(group, host, port, path, again));
    let id = 1;
    const workers: Worker[] = [];
    for (const group of config.groups) {
      for (let i = 0; i < group.workers; i++) workers.push(new Worker(id++, group, group.weights[i]!, group.maxConnections));
    }
    this.registry = new Registry(workers);
    this.pools = new Pools(config, this.registry, this.table, { window: config.handoffWindow, ...HANDOFF_LIMITS });
    this.queue = new PendingQueue(this.pools.all.length, config.queueSize);
    this.sessions = new SessionTable(config.stickySessions, config.stickyTimeout);
    this.handoffs = new Handoffs(config, this.table, this.pools, this.queue, this.stats, this.registry, {
      // The engine has condemned it already (once): only the signal is left to send.
      condemn: (p, why, kind) => {
        this.say(`worker ${p.workerId} (pid ${p.pid}) ${why}; killing it`, kind, processSubject(p));
        p.kill('SIGKILL');
      },
      missedDeadline: (p) => this.health.fail(p),
      shedReading: () => this.preread.shedOldest(),
      reading: () => this.preread.readingCount,
    }, this.sessions);
    this.preread = new Preread(config, this.pools, this.table, this.stats);
    this.dispatchListener = new DispatchListener(this.listenerConfigs, this.handoffs, this.preread, this.stats);
    const directListeners = this.bound.filter((l): l is Listener => l instanceof Listener && l.config.mode === 'direct');
    this.direct = new DirectListener(config, directListeners, this.registry, this.table, this.stats);
    this.udpStats = new UdpStats(config.listeners.length);
    this.flows = new FlowBook(this.table, config.listeners.length, config.udpMaxFlows);
    // A UDP listener has no rules: its flows go to its one group's pool.
    this.udp = new FlowDispatcher(config, this.pools.byListener.map((r) => r[0]!), this.flows, this.udpStats, this.registry);
    this.health = new HealthMonitor(config, this.requestIds, () => this.currentProcesses(), {
      changed: (p, healthy) => {
        this.say(`worker ${p.workerId} (pid ${p.pid}) is ${healthy ? 'healthy again' : `unhealthy (event-loop delay ${Math.round(p.heartbeat.loopDelayMs)} ms, last heartbeat ${p.heartbeat.answered ? 'answered' : 'unanswered'})`}`, healthy ? 'healthy' : 'unhealthy', processSubject(p));
        if (healthy) this.handoffs.drainQueue();
        this.direct.update();
      },
      givenUp: (p) => {
        if (!p.condemn()) return;
        this.say(`worker ${p.workerId} (pid ${p.pid}) unhealthy for ${this.config.unhealthyTimeout} ms; restarting it`, 'unhealthy', processSubject(p));
        p.kill('SIGKILL');
      },
    });
    this.clusterNotice = new ClusterNotice(config.groups);
    this.messages = messageTable({
      listenersOf: (p, values) => this.listenersOf(p, values),
      listening: (from, listeners) => this.onListening(from, listeners),
      ready: (from) => {
        this.markReady(from);
        this.handoffs.drainQueue();
      },
      refused: (p, i, why) => this.handoffs.onRefuse(p, i, why),
      held: (from, ids) => this.direct.onHeld(from.p, from.key!, ids),
      pong: (from, m) => {
        const p = from.p;
        const counted = this.health.answered(p, m.req, m.d, { rss: m.r, heapUsed: m.h, cpu: m.u });
        if (counted) p.reportRequests(m.q);
        // A worker whose server was full is asked again now and then, closes reported or not.
        p.markRoom();
        const worker = from.worker;
        if (!counted || worker === undefined) return;
        const now = Date.now();
        worker.sampleRate(now);
        const verdict = recycleVerdict(worker.group, p, now, this.config.minUptime);
        if (verdict) this.supervisor.recycle(worker, verdict.reason, verdict.why);
      },
      metrics: (p, req, m) => this.requests.answer('metrics', p, req, m),
      peers: (from, req, triples) => {
        this.direct.onPeers(from.p, from.key!, triples);
        this.requests.answer('peers', from.p, req, triples);
      },
      agent: (worker, w) => {
        // The application's own word on its weight; an event when it changes something.
        const was = worker.weight;
        const now = (w === 'undrain' ? this.undrain(worker.id) : this.setWeight(worker.id, w)).weight;
        if (now === was) return;
        const kind = w === 'undrain' ? 'undrain' : now === 0 ? 'drain' : 'weight';
        this.record(kind, `worker ${worker.id} (pid ${worker.pid}) set its own weight: ${was} -> ${now}${now === 0 ? ', draining' : ''}`, { worker: worker.id, pid: worker.pid, group: worker.group.name });
      },
      sharedListening: (l) => {
        // Direct mode: the socket is bound but listens only once a worker listens on its copy.
        const listener = this.bound[l];
        if (listener instanceof Listener && listener.markAccepting()) this.checkReady();
      },
      workerDropped: (reason) => this.stats.countWorkerDrop(reason),
      listenRequest: (from, req, host, port, x, path) => this.onListenRequest(from, req, host, port, x, path),
      usesCluster: (from, file) => {
        const line = this.clusterNotice.line(from.p.group, file);
        if (line !== undefined) this.emit('log', line);
      },
      workerFault: (from, kind, n, text) => {
        // Once per kind: a shortage of descriptors fails every connection of a burst.
        if (this.stats.countWorkerFault(kind, n)) this.say(`worker ${from.p.workerId} (pid ${from.p.pid}): portplex's own code failed in ${kind} (${text}); the application's process goes on. Later ones are counted in portplex_worker_faults_total`, 'fault', processSubject(from.p));
      },
      malformed: () => this.stats.malformed++,
    });
    this.frames = frameTable({ table: this.table, handoffs: this.handoffs, dispatch: this.dispatchListener, direct: this.direct, udp: this.udp, stats: this.stats, sessions: this.sessions });
    this.supervisor = new Supervisor(config, this.registry, (w) => this.listenersFor(w), {
      message: (p, m) => this.onMessage(p, m),
      malformed: () => this.stats.malformed++,
      corrupt: (_p, reason) => {
        this.stats.malformed++;
        this.stats.brokenChannels[reason]++;
      },
      frame: (p, type, b, start, end, handle) => this.onFrame(p, type, b, start, end, handle),
      gone: (p, worker) => this.onGone(p, worker),
      switched: (worker, _p, _old, key) => this.onSwitched(worker, key),
      removed: (worker) => this.registry.remove(worker),
      fatal: (err) => {
        this.record('fatal', err.message);
        // Said once: to whoever handles errors, else in the log.
        if (this.listenerCount('error') > 0) this.emit('error', err);
        else this.emit('log', err.message);
        void this.stop(err.exitCode);
      },
      log: (line, kind, about) => this.say(line, kind, about),
      event: (kind, message, about) => this.record(kind, message, about),
    });
  }

  /** A line for the log; with `kind`, also a lifecycle event whose message is that line. */
  private say(line: string, kind?: EventKind, about?: EventSubject): void {
    if (kind !== undefined) this.record(kind, line, about);
    this.emit('log', line);
  }

  /**
   * Records a lifecycle event and emits it as 'event'. The master records its own; a change made
   * from outside it (an admin command) is recorded by whoever made it, with the line it logged.
   */
  recordEvent(kind: EventKind, message: string, about?: EventSubject): LifecycleEvent {
    return this.record(kind, message, about);
  }

  private record(kind: EventKind, message: string, about?: EventSubject): LifecycleEvent {
    const event = this.eventRing.add(kind, message, about, Date.now());
    this.emit('event', event);
    return event;
  }

  /** The listener of configured listener `l`: on the socket systemd or an old master passed for it, else bound anew. */
  private listenerFor(l: ListenerConfig): Listener | UdpListener {
    if (l.activated !== undefined) {
      if (this.activated === undefined) throw new Error(`listener ${l.index} takes socket ${l.activated} from systemd, and the master was given none`);
      const { socket, tcp, udpFd } = this.activated.entry(l.activated);
      if (l.protocol === 'udp' && udpFd !== undefined) return new UdpListener(l, { ...socket, fd: udpFd });
      if (l.protocol === 'tcp' && tcp !== undefined) return new Listener(l, tcp, 'systemd');
      throw new Error(`listener ${l.index} (${l.protocol}) and socket ${describeSocket(socket)} (${socket.protocol}) differ`);
    }
    if (l.protocol === 'udp') return new UdpListener(l);
    return new Listener(l, this.inherited?.take('tcp', l.host, l.port));
  }

  /** Binds every listener, then forks the workers. Rejects (and binds nothing) if a listener fails. */
  async start(): Promise<ListenerInfo[]> {
    // Connections travel in frames and raw handles that need Node internals (src/internals/): a
    // Node release without them is refused here, before anything binds, not at the first connection.
    assertSupportedNode();
    try {
      for (const l of this.bound) {
        if (l instanceof UdpListener) {
          await l.bind(this.udp.onDatagram);
          if (l.socket) this.udp.attach(l.config.index, l.socket, l.family);
        } else {
          await l.bind(this.config.backlog, this.dispatchListener.onAccept);
        }
      }
    } catch (err) {
      await Promise.all(this.bound.map((l) => l.close()));
      this.lifecycle.to('stopping');
      this.lifecycle.to('stopped');
      this.resolveClosed(err instanceof PortplexError ? err.exitCode : EXIT.internal);
      throw err;
    }
    if (this.stopPromise) {
      // stop() came while binding: undo the binds and start nothing.
      await Promise.all(this.bound.map((l) => l.close()));
      return this.listenerInfo();
    }
    this.handoffs.setBudget(connectionBudget(this.registry.workers.length));
    this.preread.setLimit(prereadingLimit(this.config.maxPrereading, this.handoffs.budget));
    if (this.config.maxPrereading > this.handoffs.budget) {
      this.emit('log', `maxPrereading ${this.config.maxPrereading} exceeds what the open-file limit allows (${this.handoffs.budget} connections held at once); the oldest reads are shed at that budget instead; raise it with ulimit -n`);
    }
    if (this.config.queueSize > this.handoffs.budget) {
      this.emit('log', `queueSize ${this.config.queueSize} exceeds what the open-file limit allows (${this.handoffs.budget} connections held at once); raise it with ulimit -n`);
    }
    const tickMs = Math.max(10, Math.min(250, Math.floor(this.config.handoffTimeout / 4)));
    this.ticker = setInterval(() => {
      const now = Date.now();
      this.handoffs.tick(now);
      this.direct.update(now);
    }, tickMs);
    this.sweeper = setInterval(() => this.sweep(), this.config.sweepInterval);
    this.sweeper.unref();
    const udpTimeouts = this.config.listeners.filter((l) => l.protocol === 'udp').map((l) => l.udpTimeout);
    if (udpTimeouts.length > 0) {
      // A flow outlives its timeout by at most a quarter of it (and never by more than a second).
      const every = Math.max(10, Math.min(1000, Math.floor(Math.min(...udpTimeouts) / 4)));
      this.expirer = setInterval(() => this.udp.tick(Date.now()), every);
      this.expirer.unref();
    }
    this.supervisor.startAll();
    this.health.start();
    const info = this.listenerInfo();
    this.emit('listening', info);
    return info;
  }

  /**
   * The listeners a worker's processes serve, as their environment tells them: the configured
   * ones (those bound on request are asked for again by each new process's listen()).
   */
  private listenersFor(worker: Worker): WorkerListener[] {
    return this.bound
      .slice(0, this.config.listeners.length)
      .filter((l) => l.config.groups.includes(worker.group.name))
      .map((l): WorkerListener => {
        const base: WorkerListener = { i: l.config.index, protocol: l.config.protocol, address: l.address, port: l.port, family: l.family };
        // A sticky listener: the worker reports the session keys its application creates.
        if (l.config.content?.sticky) base.s = l.config.content.sticky;
        // Direct mode: the listener's own group accepts; the groups its rules name get what the
        // accepting workers hand back through the master, as in dispatch mode.
        if (l.config.mode !== 'direct' || l.config.group !== worker.group.name) return base;
        const direct: WorkerListener = { ...base, d: 1, b: this.config.backlog };
        if (l.config.content) {
          direct.c = l.config.content;
          direct.g = l.config.groups;
        }
        return direct;
      });
  }

  /** A worker's listen() of an address no configured listener serves: bound once, then shared. */
  private onListenRequest(from: Sender, req: number, host: string | null, port: number, x: number, path: string | undefined): void {
    const p = from.p;
    void this.onDemand.request(p.group, host, port, x, path).then((o) => {
      if ('listener' in o) {
        const l = this.bound[o.listener]!;
        const answer: WorkerListener = { i: o.listener, protocol: 'tcp', address: l.address, port: l.port, family: l.family };
        if (l.config.path !== undefined) answer.u = 1;
        p.send({ cmd: CMD, t: 'lr', req, l: answer });
      } else {
        // Said once per failure: an app that retries the same listen() does not fill the log.
        // ECANCELED: the master is stopping, nothing failed.
        const failure = listenFailure(host, port, path, o.code, o.heldBy);
        if (o.code !== 'ECANCELED' && p.listenFailed(failure)) this.say(`worker ${p.workerId}: ${failure}`, 'listen-failed', processSubject(p));
        p.send({ cmd: CMD, t: 'lr', req, l: null, e: o.code, n: o.errno });
      }
    });
  }

  /**
   * Binds a listener a worker of `group` asked for, served with the group's algorithm; resolves
   * with its index. `again`: the index it had before the application closed it everywhere, whose
   * per-listener pieces (stats, pool, queue lane) are still in place.
   */
  private async bindOnDemand(group: string, host: string | undefined, port: number, path: string | undefined, again: number | undefined): Promise<number> {
    if (this.stopPromise) throw Object.assign(new Error('stopping'), { cause: { code: 'ECANCELED', errno: -125 } });
    const index = again ?? this.bound.length;
    const config: ListenerConfig = again !== undefined ? this.listenerConfigs[again]! : Object.freeze({
      index, protocol: 'tcp', host, port, group, groups: Object.freeze([group]), content: undefined,
      mode: 'dispatch', udpTimeout: 0, v6only: false, onDemand: true, ...(path !== undefined ? { path } : {}),
    });
    // A Unix socket is never inherited: an upgrade refuses a master that serves one.
    const listener = new Listener(config, path === undefined ? this.inherited?.take('tcp', host, port) : undefined);
    await listener.bind(this.config.backlog, path === undefined ? this.dispatchListener.onAccept : this.dispatchListener.onAcceptLocal);
    if (this.readyEmitted) void listener.resume();
    if (again !== undefined) {
      this.bound[index] = listener;
    } else {
      // Every per-listener piece grows before the first connection can be accepted (a later turn).
      this.listenerConfigs.push(config);
      this.bound.push(listener);
      this.stats.addListener();
      this.pools.addListener(config);
      this.queue.addLane();
    }
    if (this.stopPromise) void listener.close();
    this.emit('listener', this.infoOf(listener));
    return index;
  }

  /** Who sent something: its worker when it is the current process, and its table key. */
  private sender(p: WorkerProcess): Sender {
    const worker = this.registry.currentOf(p);
    return { p, worker, key: worker !== undefined ? worker.id : this.registry.keyOf(p) };
  }

  private onMessage(p: WorkerProcess, m: ToMaster): void {
    const from = this.sender(p);
    // A retired process reports in frames only; a replacement still starting only that it listens.
    if (from.worker === undefined && (from.key !== undefined || !allowedWhilePending(m))) return;
    dispatch(this.messages, from, m);
  }

  private onFrame(p: WorkerProcess, type: number, b: Buffer, start: number, end: number, handle: ReceivedHandle | undefined): void {
    const handler = this.frames.get(type);
    const from = this.sender(p);
    if (handler === undefined) {
      this.stats.malformed++;
      handle?.close();
      return;
    }
    if (from.worker === undefined && from.key === undefined) {
      // A replacement still starting has nothing to report.
      handle?.close();
      return;
    }
    handler(from, b, start, end, handle);
  }

  /** The listener indexes of `values` that `p`'s group serves; undefined when malformed. */
  private listenersOf(p: WorkerProcess, values: readonly number[]): number[] | undefined {
    if (values.length > this.bound.length) return undefined;
    return values.filter((i) => i >= 0 && i < this.bound.length && this.bound[i]!.config.groups.includes(p.group));
  }

  private onListening(from: Sender, listeners: number[]): void {
    const before = from.worker !== undefined ? from.p.listeningList() : [];
    from.p.setListening(listeners);
    for (const l of before) if (!from.p.listening(l)) this.unservedBy(l);
    // With waitReady the application's word makes it ready, not its first listen().
    if (listeners.length > 0 && !this.config.groups.find((g) => g.name === from.p.group)?.waitReady) this.markReady(from);
    const worker = from.worker;
    if (worker === undefined) return;
    this.udp.listenersChanged(worker);
    this.handoffs.drainQueue();
    this.direct.update();
  }

  /**
   * The current process that served listener `l` closed its server there: an on-demand listener
   * that no current process serves any more closes, as Node's cluster closes a handle no worker
   * holds (a process that died is not one that closed: its replacement is on its way).
   */
  private unservedBy(l: number): void {
    const listener = this.bound[l];
    if (!(listener instanceof Listener) || !listener.config.onDemand || this.stopPromise) return;
    for (const w of this.registry.workers) if (w.process?.listening(l) === true) return;
    this.onDemand.closed(l, () => listener.close());
  }

  private markReady(from: Sender): void {
    if (!from.p.markReady(Date.now())) return;
    // A reload's new process too: it is ready before it takes over.
    this.record('ready', `worker ${from.p.workerId} (pid ${from.p.pid}) is ready`, processSubject(from.p));
    if (from.worker === undefined) return;
    this.emit('worker-ready', this.info(from.worker));
    this.direct.update();
    this.checkReady();
  }

  /** A process is gone: what it held goes elsewhere or is forgotten. */
  private onGone(p: WorkerProcess, worker: Worker | undefined): void {
    // The line `portplex` logs for a worker's exit (a retired process's too, which it does not log).
    this.record('exit', `worker ${p.workerId} (pid ${p.pid}) ${exitReason(p)}`, processSubject(p));
    if (worker === undefined) {
      const key = this.registry.keyOf(p);
      // A retired process: what it had not begun on goes elsewhere, its records with it.
      if (key !== undefined) this.handoffs.processGone(p, key);
      return;
    }
    // Its UDP flows first: they are records of the table, kept in the flow book's order too.
    this.udp.processGone(worker);
    this.handoffs.processGone(p, worker.id);
    this.direct.update();
    this.emit('worker-exit', this.info(worker), exitReason(p));
  }

  /** A reload's new process serves `worker` now; the old one finishes under table key `key` (-1: it is gone). */
  private onSwitched(worker: Worker, key: number): void {
    // UDP flows stay with the worker id: the new process serves them from its next datagram.
    if (key >= 0) this.table.rekeyWorker(worker.id, key, 'tcp');
    worker.stableStart();
    this.udp.listenersChanged(worker);
    this.handoffs.drainQueue();
    this.direct.update();
  }

  /** The current process of every worker. */
  private *currentProcesses(): Iterable<WorkerProcess> {
    for (const w of this.registry.workers) if (w.process) yield w.process;
  }

  /**
   * 'ready' once every worker is ready and every direct-mode socket is listening in some worker,
   * so that a connection made after it is never refused.
   */
  private checkReady(): void {
    if (this.readyEmitted || !this.registry.workers.every((w) => (w.process?.readyAt ?? 0) > 0)) return;
    if (this.bound.some((l) => l instanceof Listener && l.shared !== undefined && !l.accepting)) return;
    this.readyEmitted = true;
    // Inherited sockets: this master accepts from now on (listen is synchronous), and what it
    // did not take closes with the old master. UDP sockets from systemd are read from now on.
    for (const l of this.bound) {
      if (l instanceof Listener) void l.resume();
      else void l.resume().then(() => { if (l.socket) this.udp.attach(l.config.index, l.socket, l.family); }, (err: Error) => this.emit('log', err.message));
    }
    this.inherited?.closeRest();
    this.lifecycle.to('serving');
    this.emit('ready');
  }

  /** Resolves once every worker has become ready (or the master stopped first). */
  whenReady(): Promise<void> {
    if (this.readyEmitted) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => { this.off('ready', onReady); reject(err); };
      const onReady = (): void => { this.off('error', onError); resolve(); };
      this.once('ready', onReady);
      this.once('error', onError);
    });
  }

  /**
   * Graceful stop, in the order a platform that routes to this process needs: the state is
   * 'stopping' at once (readiness answers 503); the master goes on accepting and serving for
   * `config.shutdownDelay` ms while the platform takes the endpoint away; then it stops
   * accepting, taking first what the kernel has queued; what it holds reaches a worker; and the
   * workers finish their connections within `config.grace`, after which what is left is killed.
   * `code` (a fatal error) skips the delay. Resolves with the exit status (0 clean, 5 forced, or
   * `code` when given).
   */
  stop(code?: number): Promise<number> {
    return this.beginStop(code === undefined ? this.config.shutdownDelay : 0, code);
  }

  /** The one stop under way, begun now with `delay` if there is none yet. */
  private beginStop(delay: number, code: number | undefined): Promise<number> {
    if (this.stopPromise) return this.stopPromise;
    this.lifecycle.to('stopping');
    this.record('stop', code !== undefined
      ? `the master is stopping (exit status ${code}): workers get ${this.config.grace} ms to finish`
      : `the master is stopping: ${delay > 0 ? `serving ${delay} ms more, then ` : ''}draining, workers get ${this.config.grace} ms to finish`);
    this.stopPromise = this.stopInOrder(delay, code);
    return this.stopPromise;
  }

  private async stopInOrder(delay: number, code: number | undefined): Promise<number> {
    if (delay > 0) await this.pause(delay);
    if (!this.hurried) this.emit('draining');
    this.udp.stop();
    this.inherited?.closeRest();
    await Promise.all(this.bound.map((l) => (l instanceof Listener ? l.closeQuietly() : l.close())));
    // The queue, the connections being read and those in flight go to workers that still serve,
    // each within its own deadlines (a queued one times out, counted).
    await this.pause(this.config.queueTimeout + this.config.handoffTimeout * this.config.maxHandoffs, () => this.handoffs.unsettled === 0);
    this.handoffs.beginStop();
    this.health.stop();
    const clean = await this.supervisor.stop(this.config.grace);
    clearInterval(this.ticker);
    clearInterval(this.sweeper);
    clearInterval(this.expirer);
    const status = code ?? (clean && !this.hurried ? EXIT.ok : EXIT.forcedStop);
    this.lifecycle.to('stopped');
    this.resolveClosed(status);
    return status;
  }

  /** Waits `ms`, or until `done()` (checked every 10 ms), or until kill(). */
  private pause(ms: number, done?: () => boolean): Promise<void> {
    if (this.hurried || done?.() === true) return Promise.resolve();
    return new Promise((resolve) => {
      const end = Date.now() + ms;
      let timer: NodeJS.Timeout;
      const finish = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const check = (): void => {
        if (done === undefined || done() || Date.now() >= end) finish();
        else timer = setTimeout(check, Math.min(10, end - Date.now()));
      };
      this.wake = finish;
      timer = setTimeout(check, done === undefined ? ms : Math.min(10, ms));
    });
  }

  /**
   * Stops as after an upgrade, when another master accepts on the same sockets: as stop() does,
   * without the shutdown delay (the sockets stay open in the new master).
   */
  retire(): Promise<number> {
    if (!this.stopPromise) this.record('upgrade', 'upgrade: the new master accepts on these sockets now; this one drains its workers');
    return this.beginStop(0, undefined);
  }

  /** Stops forcefully at once (a second Ctrl-C): no delay, no drain, every process killed. */
  kill(): void {
    this.hurried = true;
    // Nothing restarts what is killed here, whatever step the stop had reached.
    this.supervisor.halt();
    if (!this.stopPromise) void this.stop();
    this.wake?.();
    this.supervisor.killAll('SIGKILL');
  }

  /** An upgrade may begin (the master is serving): the state is 'upgrading' until upgradeFailed() or retire(). */
  beginUpgrade(): boolean {
    if (!this.lifecycle.to('upgrading')) return false;
    this.record('upgrade', 'upgrade: a new master is starting to take over the listening sockets');
    return true;
  }

  /** The new master did not take over (`why`, for the events): this one serves on as before. */
  upgradeFailed(why?: string): void {
    this.lifecycle.to('serving');
    this.record('upgrade', `upgrade failed${why !== undefined ? `: ${why}` : ''}; this master goes on serving`);
  }

  /**
   * The listening sockets a master that replaces this one takes over (`portplex upgrade`), each
   * with its configured and bound address, and what it is if systemd passed it. TCP ports only: a
   * UDP listener or a Unix socket is named in `kept` (closing a Unix socket's listener in the old
   * master would unlink its path).
   */
  transferable(): { sockets: TransferableSocket[]; kept: string[] } {
    const sockets: TransferableSocket[] = [];
    const kept: string[] = [];
    for (const l of this.bound) {
      // Closed since the app asked for it: nothing to pass (the new master binds it when asked).
      if (l instanceof Listener && l.closed) continue;
      if (l instanceof UdpListener || l.config.path !== undefined) {
        kept.push(l instanceof UdpListener ? l.toString() : `unix ${l.toString()}`);
        continue;
      }
      const handle = l.transferable();
      const systemd = l.config.activated === undefined ? undefined : this.activated?.entry(l.config.activated).socket;
      if (handle) sockets.push({ protocol: 'tcp', host: l.config.host, port: l.config.port, boundPort: l.port, handle, ...(systemd ? { systemd } : {}) });
    }
    return { sockets, kept };
  }

  listenerInfo(): ListenerInfo[] {
    return this.bound.map((l) => this.infoOf(l));
  }

  private infoOf(l: Listener | UdpListener): ListenerInfo {
    const group = this.config.groups.find((g) => g.name === l.config.group)!;
    const fdName = l.config.activated === undefined ? undefined : this.activated?.entry(l.config.activated).socket.name;
    return {
      index: l.config.index,
      protocol: l.config.protocol,
      address: l.address,
      port: l.port,
      family: l.config.path !== undefined ? 'unix' : l.family,
      group: group.name,
      groups: [...l.config.groups],
      mode: l.config.mode,
      onDemand: l.config.onDemand,
      closed: l instanceof Listener && l.closed,
      origin: l.origin,
      ...(fdName !== undefined ? { fdName } : {}),
      algorithm: typeof group.algorithm === 'function' ? 'custom' : group.algorithm,
    };
  }

  /** Connections content routing sent to each listener's groups (default group included). */
  routed(): Array<{ listener: number; group: string; connections: number }> {
    return this.pools.all.map((p) => ({ listener: p.listener, group: p.group, connections: p.routed }));
  }

  /**
   * Connections whose descriptor the master holds: queued, being read, being handed over, and
   * taken by a worker that has not read from them yet (the copy that survives its crash).
   */
  get heldConnections(): number {
    return this.handoffs.held;
  }

  workers(): WorkerInfo[] {
    return this.registry.workers.map((w) => this.info(w));
  }

  /**
   * Sets a worker's weight, as IPVS and HAProxy do: 0 drains it (no new connections, existing
   * ones go on). Returns the worker, or throws a PortplexError naming the bad input.
   */
  setWeight(workerId: number, weight: number): WorkerInfo {
    const worker = this.worker(workerId);
    if (!Number.isInteger(weight) || weight < 0 || weight > 65535) {
      throw new PortplexError(CODES.INVALID_OPTION, `weight: expected an integer 0-65535, got ${JSON.stringify(weight)}`, EXIT.config);
    }
    worker.setWeight(weight);
    this.pools.weightChanged(worker);
    // A worker that can take connections again may serve what waits.
    if (weight > 0) this.handoffs.drainQueue();
    this.direct.update();
    return this.info(worker);
  }

  /**
   * Zero-downtime rolling restart, one worker at a time (SIGHUP in the CLI). A new process that
   * never becomes ready is killed and the old one kept: the result says which and why.
   */
  async reload(): Promise<ReloadResult> {
    if (this.lifecycle.ending) return { replaced: [], failed: { worker: 0, reason: this.lifecycle.describe() } };
    // From 'serving' only: a reload while starting or upgrading leaves that state as it is.
    const moved = this.lifecycle.to('reloading');
    try {
      this.record('reload', 'reload: replacing every worker\'s process, one worker at a time');
      const result = await this.supervisor.reload();
      const failed = result.failed;
      this.record('reload', failed
        ? failed.worker === 0 ? `reload not done: ${failed.reason}` : `reload stopped: worker ${failed.worker} kept its old process: ${failed.reason}`
        : `reload: done, worker${result.replaced.length === 1 ? '' : 's'} ${result.replaced.join(', ') || 'none'} replaced`);
      return result;
    } finally {
      if (moved && this.lifecycle.state === 'reloading') this.lifecycle.to('serving');
    }
  }

  /**
   * Asks every ready worker for its metrics (prom-client JSON); a worker that does not answer
   * within `timeoutMs` is left out, so one stuck worker cannot block a scrape.
   */
  async workerMetrics(timeoutMs: number): Promise<Array<{ worker: number; pid: number; metrics: unknown[] }>> {
    const answers: Array<{ worker: number; pid: number; metrics: unknown[] }> = [];
    const asked = [...this.currentProcesses()].filter((p) => p.state === 'ready' && p.connected);
    await this.requests.ask<{ m: unknown }>(asked, 'metrics', timeoutMs, (p, m) => {
      if (Array.isArray(m.m)) answers.push({ worker: p.workerId, pid: p.pid, metrics: m.m });
    });
    return answers.sort((a, b) => a.worker - b.worker);
  }

  /**
   * Direct mode: learns the client address and port of every record that lacks one. Workers
   * report their accepts without the client unless the application had read it (a system call
   * per connection saved); this asks them for the rest. A worker that does not answer within
   * `timeoutMs` keeps its records without a client (''). Call before reading connections() when
   * addresses matter; the admin `connections` command does.
   */
  async resolveClients(timeoutMs = 1000): Promise<void> {
    const asked = [...this.currentProcesses()].filter((p) => p.state === 'ready' && p.connected && p.direct.open > 0);
    await this.requests.ask(asked, 'peers', timeoutMs, () => {});
  }

  /**
   * Sets how many workers a group runs (the first group by default). New workers start at once;
   * removed ones (the highest ids) drain: no new connections, then stop as on shutdown, finishing
   * their open connections within the grace time. Returns the group's workers after the change.
   */
  scale(count: number, groupName: string = this.config.groups[0]!.name): WorkerInfo[] {
    const group = this.config.groups.find((g) => g.name === groupName);
    if (!group) throw new PortplexError(CODES.UNKNOWN_GROUP, `group: unknown group ${JSON.stringify(groupName)}; groups are ${this.config.groups.map((g) => g.name).join(', ')}`, EXIT.config);
    if (!Number.isInteger(count) || count < 1 || count > 1024) {
      throw new PortplexError(CODES.INVALID_OPTION, `workers: expected an integer 1-1024, got ${JSON.stringify(count)}`, EXIT.config);
    }
    if (this.stopPromise) throw new PortplexError(CODES.NOT_RUNNING, 'the master is stopping', EXIT.config);
    const live = this.registry.workers.filter((w) => w.group === group && !w.removed);
    for (let n = live.length; n < count; n++) {
      const worker = new Worker(this.registry.nextId(), group, 1, group.maxConnections, 1);
      this.registry.add(worker);
      this.supervisor.start(worker);
    }
    for (const worker of live.slice(count).reverse()) this.supervisor.retireWorker(worker);
    this.direct.update();
    return this.registry.workers.filter((w) => w.group === group && !w.removed).map((w) => this.info(w));
  }

  /** Drains a worker: weight 0 until undrain(). */
  drain(workerId: number): WorkerInfo {
    return this.setWeight(workerId, 0);
  }

  /** Undoes drain(): back to the weight the configuration gave it. */
  undrain(workerId: number): WorkerInfo {
    return this.setWeight(workerId, this.worker(workerId).configuredWeight);
  }

  private worker(workerId: number): Worker {
    const worker = this.registry.byId(workerId);
    if (!worker) {
      throw new PortplexError(CODES.INVALID_OPTION, `worker: no worker ${JSON.stringify(workerId)}; workers are ${this.registry.workers.map((w) => w.id).join(', ')}`, EXIT.config);
    }
    return worker;
  }

  connections(filter?: RecordFilter, limit?: number): ConnectionRecord[] {
    return this.table.list(filter, limit);
  }

  private info(w: Worker): WorkerInfo {
    return workerInfo(w, this.table.activeCount(w.id), Date.now());
  }

  /** Asks ready workers which connections they still hold: their answers collect stale records. */
  private sweep(): void {
    for (const p of this.currentProcesses()) if (p.state === 'ready') p.send({ cmd: CMD, t: 'held?' });
  }
}

/** Validates `config` and creates a master (not started: call start()). */
export function createMaster(config: UserConfig, baseDir?: string): Master {
  return new Master(validateConfig(config, baseDir));
}
