// The master: binds listeners, forks workers, and runs the dispatcher between them.
import { EventEmitter } from 'node:events';
import { createBalancer } from '../balancers/index.js';
import { createSourceHash } from '../balancers/source-hash.js';
import type { Config, UserConfig } from '../config/types.js';
import { validateConfig } from '../config/validate.js';
import { assertSupportedNode } from '../internals/check.js';
import { CODES, EXIT, PortplexError } from '../errors.js';
import { HealthMonitor } from '../health/monitor.js';
import { Supervisor, type ReloadResult } from '../supervisor/supervisor.js';
import { ConnectionTable } from '../table/connection-table.js';
import type { ConnectionRecord, RecordFilter } from '../table/types.js';
import { Dispatcher } from './dispatcher.js';
import { connectionBudget } from './fd-budget.js';
import { Listener } from './listener.js';
import { PendingQueue } from './pending-queue.js';
import { SharedAccept } from './shared-accept.js';
import { Member, Pool } from './pool.js';
import { MasterStats } from './stats.js';
import { WorkerSlot, type WorkerState } from './worker-slot.js';
import { FlowBook } from '../udp/flow-book.js';
import { FlowDispatcher } from '../udp/flow-dispatcher.js';
import { UdpListener } from '../udp/udp-listener.js';
import { UdpStats } from '../udp/udp-stats.js';

/** A worker as status queries see it. */
export interface WorkerInfo {
  id: number;
  group: string;
  pid: number;
  state: WorkerState;
  weight: number;
  active: number;
  handedOver: number;
  /** Direct mode: connections the worker accepted itself. */
  accepted: number;
  restarts: number;
  listening: number[];
  uptimeMs: number;
  /** Active health from heartbeats; an unhealthy worker gets no new connections. */
  healthy: boolean;
  /** Event-loop delay the worker last reported, and the heartbeat round trip, ms. */
  loopDelayMs: number;
  rttMs: number;
}

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
}

/**
 * Events: 'listening' (ListenerInfo[]) once bound; 'ready' once every worker is ready;
 * 'worker-ready' / 'worker-exit' (WorkerInfo); 'log' (string); 'error' (PortplexError: a crash loop or an unsupported Node,
 * after which the master stops itself).
 */
export class Master extends EventEmitter {
  readonly config: Config;
  readonly table = new ConnectionTable();
  readonly stats: MasterStats;
  /** Datagram counters of the UDP listeners. */
  readonly udpStats: UdpStats;
  /** UDP flows (records of `table`) in least-recently-active order. */
  readonly flows: FlowBook;
  private readonly bound: Array<Listener | UdpListener>;
  private readonly udp: FlowDispatcher;
  private expirer: NodeJS.Timeout | undefined;
  private readonly slots: WorkerSlot[] = [];
  private readonly dispatcher: Dispatcher;
  private readonly supervisor: Supervisor;
  /** Every pool: one per listener and group it serves. */
  private readonly pools: Pool[] = [];
  private readonly health: HealthMonitor;
  /** Direct mode: who holds each shared socket; undefined when every listener dispatches. */
  private readonly shared: SharedAccept | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private stopPromise: Promise<number> | undefined;
  private resolveClosed!: (code: number) => void;
  /** Resolves with the exit status once the master has stopped (for any reason). */
  readonly closed: Promise<number>;
  private readyEmitted = false;
  /** Id of the last question asked of the workers (metrics?, peers?). */
  private request = 0;

  constructor(config: Config) {
    super();
    this.config = config;
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve; });
    this.stats = new MasterStats(config.listeners.length);
    this.bound = config.listeners.map((l) => (l.protocol === 'udp' ? new UdpListener(l) : new Listener(l)));
    let id = 1;
    for (const group of config.groups) {
      for (let i = 0; i < group.workers; i++) this.slots.push(new WorkerSlot(id++, group, i, group.weights[i], group.maxConnections));
    }
    const routes = config.listeners.map((l) => l.groups.map((name) => {
      const group = config.groups.find((g) => g.name === name)!;
      const sticky = l.content?.sticky ? createSourceHash() : undefined;
      const pool = new Pool(this.pools.length, l.index, name, this.slots.filter((s) => s.group === group), createBalancer(group.algorithm), this.table, sticky);
      this.pools.push(pool);
      return pool;
    }));
    const queue = new PendingQueue(this.pools.length, config.queueSize);
    this.dispatcher = new Dispatcher(config, this.table, routes, queue, this.stats, this.slots);
    this.udpStats = new UdpStats(config.listeners.length);
    this.flows = new FlowBook(this.table, config.listeners.length, config.udpMaxFlows);
    // A UDP listener has no rules: its flows go to its one group's pool.
    this.udp = new FlowDispatcher(config, routes.map((r) => r[0]), this.flows, this.udpStats, this.slots);
    this.dispatcher.onWorkerGone = (slot) => this.udp.workerGone(slot);
    this.supervisor = new Supervisor(config, this.slots, this.dispatcher, this.bound);
    this.supervisor.onDatagramReplies = (slot, key, b, start, end) => this.udp.onReplies(slot, key, b, start, end);
    this.supervisor.onListeningChanged = (slot) => this.udp.listenersChanged(slot);
    this.supervisor.on('log', (line: string) => this.emit('log', line));
    if (config.listeners.some((l) => l.mode === 'direct')) {
      const tcp = this.bound.filter((l): l is Listener => l instanceof Listener);
      const shared = this.shared = new SharedAccept(tcp, this.slots, this.table, this.stats);
      const update = (): void => shared.update();
      this.dispatcher.onDirectChange = update;
      this.supervisor.on('listening', update);
      this.supervisor.on('worker-ready', update);
      this.supervisor.on('worker-exit', update);
    }
    this.health = new HealthMonitor(config, this.slots);
    this.supervisor.on('pong', (slot: WorkerSlot, m: Record<string, unknown>) => this.health.onPong(slot, m));
    this.health.on('change', (slot: WorkerSlot, healthy: boolean) => {
      this.emit('log', `worker ${slot.id} (pid ${slot.pid}) is ${healthy ? 'healthy again' : `unhealthy (event-loop delay ${Math.round(slot.loopDelayMs)} ms, last heartbeat ${slot.pongSeq === slot.pingSeq ? 'answered' : 'unanswered'})`}`);
      if (healthy) this.dispatcher.drainQueue();
      this.shared?.update();
    });
    this.supervisor.on('agent', (slot: WorkerSlot, m: Record<string, unknown>) => {
      // The application's own word on its weight; anything malformed is counted and ignored.
      if (m.w === 'undrain') this.undrain(slot.id);
      else if (Number.isInteger(m.w) && (m.w as number) >= 0 && (m.w as number) <= 65535) this.setWeight(slot.id, m.w as number);
      else this.stats.malformed++;
    });
    this.dispatcher.onHandoffTimeout = (slot) => this.health.fail(slot);
    this.health.on('give-up', (slot: WorkerSlot) => {
      this.emit('log', `worker ${slot.id} (pid ${slot.pid}) unhealthy for ${this.config.unhealthyTimeout} ms; restarting it`);
      this.supervisor.kill(slot, 'SIGKILL');
    });
    this.dispatcher.onStuck = (slot) => {
      this.emit('log', `worker ${slot.id} (pid ${slot.pid}) has not answered a hand-over for ${this.config.handoffTimeout * 5} ms; killing it`);
      this.supervisor.kill(slot, 'SIGKILL');
    };
    this.supervisor.on('worker-ready', (slot: WorkerSlot) => {
      this.emit('worker-ready', this.info(slot));
      this.checkReady();
    });
    // Direct mode: the socket is bound but listens only once a worker listens on its copy.
    this.supervisor.on('shared-listening', (_slot: WorkerSlot, l: number) => {
      const listener = this.bound[l];
      if (listener instanceof Listener && listener.shared !== undefined && !listener.accepting) {
        listener.accepting = true;
        this.checkReady();
      }
    });
    this.supervisor.on('worker-exit', (slot: WorkerSlot) => this.emit('worker-exit', this.info(slot)));
    this.supervisor.on('removed', (slot: WorkerSlot) => this.forget(slot));
    this.supervisor.on('fatal', (err: PortplexError) => {
      // Said once: to whoever handles errors, else in the log.
      if (this.listenerCount('error') > 0) this.emit('error', err);
      else this.emit('log', err.message);
      void this.stop(err.exitCode);
    });
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
          await l.bind(this.config.backlog, this.dispatcher.onAccept);
        }
      }
    } catch (err) {
      await Promise.all(this.bound.map((l) => l.close()));
      this.resolveClosed(err instanceof PortplexError ? err.exitCode : EXIT.internal);
      throw err;
    }
    if (this.stopPromise) {
      // stop() came while binding: undo the binds and start nothing.
      await Promise.all(this.bound.map((l) => l.close()));
      return this.listenerInfo();
    }
    this.dispatcher.budget = connectionBudget(this.slots.length);
    if (this.config.queueSize > this.dispatcher.budget) {
      this.emit('log', `queueSize ${this.config.queueSize} exceeds what the open-file limit allows (${this.dispatcher.budget} connections held at once); raise it with ulimit -n`);
    }
    const tickMs = Math.max(10, Math.min(250, Math.floor(this.config.handoffTimeout / 4)));
    this.ticker = setInterval(() => {
      this.dispatcher.tick(Date.now());
      this.shared?.update();
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
   * 'ready' once every worker is ready and every direct-mode socket is listening in some worker,
   * so that a connection made after it is never refused.
   */
  private checkReady(): void {
    if (this.readyEmitted || !this.slots.every((s) => s.readyAt > 0)) return;
    if (this.bound.some((l) => l instanceof Listener && l.shared !== undefined && !l.accepting)) return;
    this.readyEmitted = true;
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
   * Graceful stop: stop accepting, let workers finish in-flight work within `config.grace`,
   * kill what is left. Resolves with the exit status (0 clean, 5 forced, or `code` when given).
   */
  stop(code?: number): Promise<number> {
    if (this.stopPromise) return this.stopPromise;
    this.stopPromise = (async () => {
      this.udp.stop();
      await Promise.all(this.bound.map((l) => l.close()));
      this.dispatcher.beginStop();
      this.health.stop();
      const clean = await this.supervisor.stop(this.config.grace);
      clearInterval(this.ticker);
      clearInterval(this.sweeper);
      clearInterval(this.expirer);
      const status = code ?? (clean ? EXIT.ok : EXIT.forcedStop);
      this.resolveClosed(status);
      return status;
    })();
    return this.stopPromise;
  }

  /** Stops forcefully at once (a second Ctrl-C). */
  kill(): void {
    for (const s of this.slots) this.supervisor.kill(s, 'SIGKILL');
  }

  listenerInfo(): ListenerInfo[] {
    return this.bound.map((l) => {
      const group = this.config.groups.find((g) => g.name === l.config.group)!;
      return {
        index: l.config.index,
        protocol: l.config.protocol,
        address: l.address,
        port: l.port,
        family: l.family,
        group: group.name,
        groups: [...l.config.groups],
        mode: l.config.mode,
        algorithm: typeof group.algorithm === 'function' ? 'custom' : group.algorithm,
      };
    });
  }

  /** Connections content routing sent to each listener's groups (default group included). */
  routed(): Array<{ listener: number; group: string; connections: number }> {
    return this.pools.map((p) => ({ listener: p.listener, group: p.group, connections: p.routed }));
  }

  workers(): WorkerInfo[] {
    return this.slots.map((s) => this.info(s));
  }

  /**
   * Sets a worker's weight, as IPVS and HAProxy do: 0 drains it (no new connections, existing
   * ones go on). Returns the worker, or throws a PortplexError naming the bad input.
   */
  setWeight(workerId: number, weight: number): WorkerInfo {
    const slot = this.slot(workerId);
    if (!Number.isInteger(weight) || weight < 0 || weight > 65535) {
      throw new PortplexError(CODES.INVALID_OPTION, `weight: expected an integer 0-65535, got ${JSON.stringify(weight)}`, EXIT.config);
    }
    slot.weight = weight;
    // A worker that can take connections again may serve what waits.
    if (weight > 0) this.dispatcher.drainQueue();
    this.shared?.update();
    return this.info(slot);
  }

  /**
   * Zero-downtime rolling restart, one worker at a time (SIGHUP in the CLI). A new process that
   * never becomes ready is killed and the old one kept: the result says which and why.
   */
  reload(): Promise<ReloadResult> {
    return this.supervisor.reload();
  }

  /**
   * Asks every ready worker for its metrics (prom-client JSON); a worker that does not answer
   * within `timeoutMs` is left out, so one stuck worker cannot block a scrape.
   */
  async workerMetrics(timeoutMs: number): Promise<Array<{ worker: number; pid: number; metrics: unknown[] }>> {
    const answers: Array<{ worker: number; pid: number; metrics: unknown[] }> = [];
    const asked = this.slots.filter((s) => s.state === 'ready' && s.child?.connected);
    await this.ask(asked, 'metrics', timeoutMs, (slot, m) => {
      if (Array.isArray(m.m)) answers.push({ worker: slot.id, pid: slot.pid, metrics: m.m });
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
    const asked = this.slots.filter((s) => s.state === 'ready' && s.child?.connected && s.directSeqs.size > 0);
    await this.ask(asked, 'peers', timeoutMs, () => {});
  }

  /**
   * Sends `t?` with a fresh request id to each slot and resolves once each has answered `t` (the
   * supervisor emits the answers) or `timeoutMs` has passed.
   */
  private ask(asked: WorkerSlot[], t: 'metrics' | 'peers', timeoutMs: number, onAnswer: (slot: WorkerSlot, m: Record<string, unknown>) => void): Promise<void> {
    if (asked.length === 0) return Promise.resolve();
    const r = ++this.request;
    return new Promise((resolve) => {
      let pending = asked.length;
      const finish = (): void => {
        clearTimeout(timer);
        this.supervisor.off(t, onMessage);
        resolve();
      };
      const onMessage = (slot: WorkerSlot, m: Record<string, unknown>): void => {
        if (m.r !== r || !asked.includes(slot)) return;
        onAnswer(slot, m);
        if (--pending === 0) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.supervisor.on(t, onMessage);
      for (const s of asked) {
        try {
          s.child!.send({ cmd: 'NODE_PORTPLEX', t: `${t}?`, r });
        } catch {
          pending--;
        }
      }
      if (pending === 0) finish();
    });
  }

  /**
   * Sets how many workers a group runs (the first group by default). New workers start at once;
   * removed ones (the highest ids) drain: no new connections, then stop as on shutdown, finishing
   * their open connections within the grace time. Returns the group's workers after the change.
   */
  scale(count: number, groupName: string = this.config.groups[0].name): WorkerInfo[] {
    const group = this.config.groups.find((g) => g.name === groupName);
    if (!group) throw new PortplexError(CODES.UNKNOWN_GROUP, `group: unknown group ${JSON.stringify(groupName)}; groups are ${this.config.groups.map((g) => g.name).join(', ')}`, EXIT.config);
    if (!Number.isInteger(count) || count < 1 || count > 1024) {
      throw new PortplexError(CODES.INVALID_OPTION, `workers: expected an integer 1-1024, got ${JSON.stringify(count)}`, EXIT.config);
    }
    if (this.stopPromise) throw new PortplexError(CODES.NOT_RUNNING, 'the master is stopping', EXIT.config);
    const live = this.slots.filter((s) => s.group === group && !s.removed);
    for (let n = live.length; n < count; n++) {
      const slot = new WorkerSlot(Math.max(0, ...this.slots.map((s) => s.id)) + 1, group, n, 1, group.maxConnections, 1);
      this.slots.push(slot);
      this.udp.addSlot(slot);
      for (const pool of this.pools) if (pool.group === group.name) pool.members.push(new Member(slot, pool.listener, this.table));
      this.supervisor.startSlot(slot);
    }
    for (const slot of live.slice(count).reverse()) {
      slot.removed = true;
      slot.weight = 0;
      if (!slot.child) this.forget(slot);
      // One still starting may not hear a stop message yet (see Supervisor.stop): signal it.
      else if (slot.state === 'starting') this.supervisor.kill(slot, 'SIGTERM');
      else this.dispatcher.requestStop(slot);
    }
    return this.slots.filter((s) => s.group === group && !s.removed).map((s) => this.info(s));
  }

  /** Drops a removed slot from every list once its process is gone. */
  private forget(slot: WorkerSlot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    for (const pool of this.pools) {
      const m = pool.members.findIndex((x) => x.slot === slot);
      if (m >= 0) pool.members.splice(m, 1);
    }
    this.udp.removeSlot(slot);
  }

  /** Drains a worker: weight 0 until undrain(). */
  drain(workerId: number): WorkerInfo {
    return this.setWeight(workerId, 0);
  }

  /** Undoes drain(): back to the weight the configuration gave it. */
  undrain(workerId: number): WorkerInfo {
    const slot = this.slot(workerId);
    return this.setWeight(workerId, slot.configuredWeight);
  }

  private slot(workerId: number): WorkerSlot {
    const slot = this.slots.find((s) => s.id === workerId);
    if (!slot) {
      throw new PortplexError(CODES.INVALID_OPTION, `worker: no worker ${JSON.stringify(workerId)}; workers are ${this.slots.map((s) => s.id).join(', ')}`, EXIT.config);
    }
    return slot;
  }

  connections(filter?: RecordFilter, limit?: number): ConnectionRecord[] {
    return this.table.list(filter, limit);
  }

  private info(s: WorkerSlot): WorkerInfo {
    const listening: number[] = [];
    s.listening.forEach((on, i) => { if (on) listening.push(i); });
    return {
      id: s.id,
      group: s.group.name,
      pid: s.pid,
      state: s.state,
      weight: s.weight,
      active: this.table.activeCount(s.id),
      handedOver: s.handedOver,
      accepted: s.directAccepted,
      restarts: s.restarts,
      listening,
      uptimeMs: s.state === 'exited' ? 0 : Date.now() - s.startedAt,
      healthy: s.health.healthy,
      loopDelayMs: Math.round(s.loopDelayMs),
      rttMs: s.rttMs,
    };
  }

  /** Collects stale records and asks ready workers which connections they still hold. */
  private sweep(): void {
    const now = Date.now();
    // Queued and handing-over records belong to the dispatcher, which times them out itself;
    // only established records can go stale, and the workers' answers reconcile those.
    this.table.sweep(now, { queuedMaxAgeMs: Infinity, handingOverMaxAgeMs: Infinity });
    for (const s of this.slots) {
      if (s.state === 'ready' && s.child?.connected) {
        try {
          s.child.send({ cmd: 'NODE_PORTPLEX', t: 'held?' });
        } catch {
          // Gone meanwhile; its exit purges its records.
        }
      }
    }
  }
}

/** Validates `config` and creates a master (not started: call start()). */
export function createMaster(config: UserConfig, baseDir?: string): Master {
  return new Master(validateConfig(config, baseDir));
}
