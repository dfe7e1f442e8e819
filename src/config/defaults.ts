// Defaults in one table, with their units, so the README and --help can quote them.
import { cpuCount } from './cpu-limit.js';

export const DEFAULTS = Object.freeze({
  /** Workers per group: one per CPU, as Node's cluster examples do; a container's CPU limit caps it (rounded up). */
  workers: cpuCount(),
  algorithm: 'round-robin',
  /** The listener --route, --sticky, --preread and --proxy-protocol serve without -l when $PORT is not set. */
  port: 8080,
  /** Per-worker concurrent connections; 0 = unlimited (HAProxy `maxconn` on a server). */
  maxConnections: 0,
  /** Resident memory (bytes) above which a worker's process is replaced, new one first; 0 = no limit. */
  maxMemory: 0,
  /** Connections one process serves before it is replaced, new one first; 0 = no limit. */
  maxConnectionsServed: 0,
  /** HTTP requests one process's servers receive before it is replaced, new one first; 0 = no limit. */
  maxRequests: 0,
  /** Requests: each process's limit is maxRequests plus a random 0 to this, drawn at its spawn. */
  maxRequestsJitter: 0,
  /** ms one process may be ready before it is replaced, new one first; 0 = no limit. */
  maxLifetime: 0,
  /** ms: each process's lifetime is maxLifetime plus a random 0 to this; lifetime recycles of a group are at least this / workers apart. */
  maxLifetimeJitter: 0,
  /** Connections waiting for an eligible worker, all listeners together (HAProxy `maxqueue`). */
  queueSize: 1024,
  /** ms a connection may wait in that queue (HAProxy `timeout queue`). */
  queueTimeout: 5000,
  /**
   * Connections the master reads (preread) at once; past it the oldest being read is closed.
   * 0 = half the connections the open-file limit allows (see master/fd-budget.ts).
   */
  maxPrereading: 0,
  /** ms a worker has to acknowledge a handed-over connection before it goes elsewhere. */
  handoffTimeout: 2000,
  /**
   * Connections sent to one worker and not yet acknowledged, at most. More keeps the IPC pipe
   * busier, but every one of them waits for a stalled worker's answer instead of moving on;
   * measured on 2 cores, 2-8 gained nothing over 1.
   */
  handoffWindow: 16,
  /** Hand-over attempts per connection before it is closed and counted. */
  maxHandoffs: 3,
  /** ms workers get to finish in-flight work on shutdown before they are killed. */
  grace: 10000,
  /**
   * ms a stop (SIGTERM, SIGINT) goes on accepting and serving before the drain begins, so that
   * a platform can take the endpoint away first (readiness answers 503 from the signal on).
   */
  shutdownDelay: 0,
  /** A worker is ready at its first listen(); true: only when its application says so (ready(), process.send('ready')). */
  waitReady: false,
  /** ms a worker has to become ready (listen, or say it is ready with waitReady) after it is forked. */
  readyTimeout: 30000,
  /** ms before the first restart of a crashed worker; doubles per consecutive crash. */
  restartDelay: 100,
  /** ms cap on that delay. */
  restartDelayMax: 15000,
  /** A worker that dies sooner than this after start (ms) counts as an unstable start (PM2 `min_uptime`). */
  minUptime: 1000,
  /** Consecutive unstable starts of one worker after which portplex gives up (crash loop). */
  maxRestarts: 5,
  /** listen(2) backlog of each listener. */
  backlog: 511,
  /** ms between sweeps that reconcile the connection table with what workers hold. */
  sweepInterval: 30000,
  /** ms between heartbeats to each worker (HAProxy `inter`, 2 s there); 0 = no active checks. */
  healthInterval: 1000,
  /** Good heartbeats in a row that make an unhealthy worker healthy again (HAProxy `rise`). */
  rise: 2,
  /** Failed heartbeats in a row that make a worker unhealthy (HAProxy `fall`). */
  fall: 3,
  /** ms of event-loop delay that fail a heartbeat. */
  maxEventLoopDelay: 1000,
  /** ms a worker may stay unhealthy before it is restarted; 0 = never. */
  unhealthyTimeout: 30000,
  /** ms a UDP flow may stay idle before it is forgotten (IPVS's UDP timeout, `ipvsadm --set`). */
  udpTimeout: 300000,
  /** UDP flows tracked at once, all listeners together; the longest-idle one is evicted past it. */
  udpMaxFlows: 65536,
  /** Bytes of the largest datagram relayed (the IPv4 UDP payload limit). */
  udpMaxDatagram: 65507,
  /** Datagrams waiting for one worker's IPC channel, at most (a slow worker costs bounded memory). */
  udpWorkerQueue: 256,
  /** Sticky sessions the master remembers (session id -> worker), all listeners together; past it the longest-unused one is forgotten. */
  stickySessions: 100000,
  /** ms a remembered sticky session may go unused before it is forgotten (its key then hashes again). */
  stickyTimeout: 3600000,
  /** Workers write to the master's stdout and stderr themselves (the CLI turns it on for a terminal). */
  logPrefix: false,
  logFormat: 'text',
  /** Bytes a worker's line may have when it passes through the master; what is held of a line is bounded by it. */
  logMaxLine: 16384,
});
