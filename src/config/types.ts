// The configuration tree (the patent's Figure 7): listeners -> daemon groups -> workers.
import type { PickFunction } from '../balancers/balancer.js';

/** A daemon group as the user writes it (config file, API). */
export interface GroupInput {
  script?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  execArgv?: string[];
  workers?: number;
  algorithm?: string | PickFunction;
  weights?: number[];
  maxConnections?: number;
  /** A process whose resident memory goes above this ("512M", "1G", or bytes) is replaced gracefully; 0 = no limit. */
  maxMemory?: string | number;
  /** A process that has served this many connections is replaced gracefully; 0 = no limit. */
  maxConnectionsServed?: number;
  /** A process is ready only when its application says so (ready(), or process.send('ready') as under PM2), not at its first listen(). */
  waitReady?: boolean;
  /** A process whose servers have received this many HTTP requests is replaced gracefully (gunicorn's max_requests); 0 = no limit. */
  maxRequests?: number;
  /** Each process's maxRequests gets a random extra of 0 to this many requests (gunicorn's max_requests_jitter). */
  maxRequestsJitter?: number;
  /** ms a process may be ready before it is replaced gracefully (uWSGI's max-worker-lifetime); 0 = no limit. */
  maxLifetime?: number;
  /** ms: each process's maxLifetime gets a random extra of 0 to this; also spaces the group's lifetime recycles. */
  maxLifetimeJitter?: number;
}

/** Content-aware hand-over of one listener, as the user writes it. */
export interface ContentInput {
  /** What the first bytes are parsed as (after a PROXY header, if one is expected). */
  protocol?: 'http' | 'tls';
  /** Expect a PROXY protocol header first (never guessed): strip it, record the real client. */
  proxy?: 'v1' | 'v2' | 'any';
  /** Stop reading after this many bytes (default 16384, NGINX's preread buffer). */
  maxBytes?: number;
  /** ms to wait for enough bytes; a client slower than this is closed and counted (default 5000). */
  timeout?: number;
  /** Ordered routing rules, first match wins; no match goes to the listener's group. */
  rules?: RuleInput[];
  /** Keep one key's connections on one worker of the chosen group (consistent hash). */
  sticky?: StickyInput;
  /** A head (or ClientHello) that cannot be parsed: serve it from the listener's group, or close it. */
  onInvalid?: 'default' | 'close';
}

/** One routing rule: every condition given must hold (AND); lists match any of their entries. */
export interface RuleInput {
  group: string;
  /** HTTP Host, exact ("api.example.com") or wildcard ("*.example.com": any subdomain). */
  host?: string | string[];
  /** HTTP path prefix ("/api/"). */
  path?: string;
  /** HTTP path (with query) against a regular expression ("^/v[0-9]+/"). */
  pathRegex?: string;
  /** HTTP header values, exact: { "x-tenant": "blue" }. */
  header?: Record<string, string>;
  /** TLS server name, exact or wildcard like host. */
  sni?: string | string[];
  /** TLS: the client offers one of these ALPN protocols ("h2", "http/1.1"). */
  alpn?: string | string[];
}

/** Where the sticky key is found in an HTTP request head: exactly one of these. */
export interface StickyInput {
  cookie?: string;
  header?: string;
  query?: string;
}

/** One listener as the user writes it. */
export interface ListenerInput {
  listen: string | number;
  group?: string;
  content?: ContentInput;
  /** How connections reach workers (default: the top-level mode, else "dispatch"). */
  mode?: ListenMode;
  /** UDP listeners only: ms a flow may stay idle before it is forgotten (overrides the top-level udpTimeout). */
  udpTimeout?: number;
}

/**
 * "dispatch": the master accepts and hands each connection to the worker its balancer picks.
 * "direct": workers accept on the shared socket themselves and report to the master in batches;
 * the master balances by taking the socket away from workers above their fair share.
 */
export type ListenMode = 'dispatch' | 'direct';

/** The whole configuration as the user writes it; the top-level group fields define the group "default". */
export interface UserConfig extends GroupInput {
  listen?: string | number | Array<string | number>;
  listeners?: ListenerInput[];
  groups?: Record<string, GroupInput>;
  /** Default mode of every listener. */
  mode?: ListenMode;
  queueSize?: number;
  /** Connections read (preread) at once; past it the oldest is closed; 0 = half the open-file budget. */
  maxPrereading?: number;
  queueTimeout?: number;
  handoffTimeout?: number;
  handoffWindow?: number;
  maxHandoffs?: number;
  grace?: number;
  /** ms a stop keeps accepting and serving before the drain begins (readiness says 503 meanwhile). */
  shutdownDelay?: number;
  readyTimeout?: number;
  restartDelay?: number;
  restartDelayMax?: number;
  minUptime?: number;
  maxRestarts?: number;
  backlog?: number;
  sweepInterval?: number;
  healthInterval?: number;
  rise?: number;
  fall?: number;
  maxEventLoopDelay?: number;
  unhealthyTimeout?: number;
  udpTimeout?: number;
  udpMaxFlows?: number;
  udpMaxDatagram?: number;
  udpWorkerQueue?: number;
  /** Workers' stdout and stderr through the master, line by line with the worker id in front. */
  logPrefix?: boolean;
  /** "json": the master's messages, and worker lines passed through it, as JSON lines. */
  logFormat?: 'text' | 'json';
  /** Bytes of the longest worker line passed through the master; longer ones are cut there. */
  logMaxLine?: number;
  /** TCP ports each worker binds itself, as without portplex (listen() on them is not shared). */
  ownPorts?: number[];
  stickySessions?: number;
  stickyTimeout?: number;
}

/** A validated daemon group. */
export interface GroupConfig {
  readonly name: string;
  /** Absolute path of the worker script. */
  readonly script: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly execArgv: readonly string[];
  readonly workers: number;
  readonly algorithm: string | PickFunction;
  /** One weight per worker, in worker order. */
  readonly weights: readonly number[];
  readonly maxConnections: number;
  /** Bytes of resident memory above which a process is replaced (new one first); 0 = no limit. */
  readonly maxMemory: number;
  /** Connections a process serves before it is replaced (new one first); 0 = no limit. */
  readonly maxConnectionsServed: number;
  /** Ready only when the application says so (ready() or process.send('ready')), not at its first listen(). */
  readonly waitReady: boolean;
  /** HTTP requests a process's servers receive before it is replaced (new one first); 0 = no limit. */
  readonly maxRequests: number;
  /** Requests: the most a process's own maxRequests is raised by, drawn when it is spawned. */
  readonly maxRequestsJitter: number;
  /** ms a process may be ready before it is replaced (new one first); 0 = no limit. */
  readonly maxLifetime: number;
  /** ms: the most a process's own maxLifetime is raised by; also the group's lifetime recycles are maxLifetimeJitter / workers apart. */
  readonly maxLifetimeJitter: number;
}

/** A validated listener: a cluster address and port served by one group, or several with rules. */
export interface ListenerConfig {
  readonly index: number;
  readonly protocol: 'tcp' | 'udp';
  readonly host: string | undefined;
  readonly port: number;
  /** The default group: what no rule matches goes here. */
  readonly group: string;
  /** Every group this listener can route to: the default first, then the rules' groups in order. */
  readonly groups: readonly string[];
  /** Content-aware hand-over, when configured (TCP only). */
  readonly content: ContentConfig | undefined;
  readonly mode: ListenMode;
  /** ms a UDP flow may stay idle before it is forgotten (UDP listeners; 0 on TCP ones). */
  readonly udpTimeout: number;
  /**
   * Binds IPv6 only: a "::" listener beside an IPv4 listener on the same port (HAProxy's
   * v6only), which a dual-stack "::" would collide with.
   */
  readonly v6only: boolean;
  /** Bound because a worker's listen() asked for it, not configured. */
  readonly onDemand: boolean;
  /**
   * Socket activation: the index, among the sockets systemd passed (in fd order), of the one
   * this listener takes instead of binding.
   */
  readonly activated?: number;
  /** A Unix socket path, bound on a worker's listen(path) (host and port are unused then). */
  readonly path?: string;
}

/** A validated content step. */
export interface ContentConfig {
  readonly protocol: 'http' | 'tls' | undefined;
  readonly proxy: 'v1' | 'v2' | 'any' | undefined;
  readonly maxBytes: number;
  readonly timeout: number;
  readonly rules: readonly RuleConfig[];
  readonly sticky: StickyConfig | undefined;
  readonly onInvalid: 'default' | 'close';
}

/** A validated rule: names lower-cased, lists normalised; the regular expression is kept as text. */
export interface RuleConfig {
  readonly group: string;
  readonly host: readonly string[] | undefined;
  readonly path: string | undefined;
  readonly pathRegex: string | undefined;
  readonly header: ReadonlyArray<readonly [name: string, value: string]> | undefined;
  readonly sni: readonly string[] | undefined;
  readonly alpn: readonly string[] | undefined;
}

/** A validated sticky key. */
export interface StickyConfig {
  readonly from: 'cookie' | 'header' | 'query';
  readonly name: string;
}

/** The validated, frozen configuration. */
export interface Config {
  readonly groups: readonly GroupConfig[];
  readonly listeners: readonly ListenerConfig[];
  readonly queueSize: number;
  /** Connections read (preread) at once, at most; 0 = half the connection budget (fd-budget.ts). */
  readonly maxPrereading: number;
  readonly queueTimeout: number;
  readonly handoffTimeout: number;
  /** Connections sent to one worker and not yet acknowledged, at most. */
  readonly handoffWindow: number;
  readonly maxHandoffs: number;
  readonly grace: number;
  /** ms a stop keeps accepting and serving before the drain begins. */
  readonly shutdownDelay: number;
  readonly readyTimeout: number;
  readonly restartDelay: number;
  readonly restartDelayMax: number;
  readonly minUptime: number;
  readonly maxRestarts: number;
  readonly backlog: number;
  readonly sweepInterval: number;
  /** ms between heartbeats; 0 turns active health checks off. */
  readonly healthInterval: number;
  readonly rise: number;
  readonly fall: number;
  /** ms of event-loop delay above which a heartbeat counts as failed. */
  readonly maxEventLoopDelay: number;
  /** ms a worker may stay unhealthy before it is restarted; 0 = never. */
  readonly unhealthyTimeout: number;
  /** Default ms a UDP flow may stay idle before it is forgotten. */
  readonly udpTimeout: number;
  /** UDP flows the master tracks at most, all listeners together; past it the longest-idle one is evicted. */
  readonly udpMaxFlows: number;
  /** Bytes of the largest datagram relayed either way; larger ones are dropped and counted. */
  readonly udpMaxDatagram: number;
  /** Datagrams waiting to be written to one worker's IPC channel, at most; past it they are dropped and counted. */
  readonly udpWorkerQueue: number;
  /** Workers' output goes through the master line by line, the worker in front; false: they write to the master's stdout and stderr themselves. */
  readonly logPrefix: boolean;
  readonly logFormat: 'text' | 'json';
  /** Bytes of the longest line passed through; longer ones are cut and passed on in parts. */
  readonly logMaxLine: number;
  /** TCP ports each worker binds itself: listen() on them is left alone (per-process ports). */
  readonly ownPorts: readonly number[];
  /** Sticky sessions remembered at most (session id -> worker); past it the longest-unused one is forgotten. */
  readonly stickySessions: number;
  /** ms a remembered sticky session may go unused before it is forgotten. */
  readonly stickyTimeout: number;
}
