// The JSON messages between master and workers, over Node's IPC channel. What happens per
// connection, and every descriptor, travels in binary frames instead (frames.ts).
//
// Every message carries cmd: 'NODE_PORTPLEX'. Node delivers messages whose cmd starts with
// "NODE_" as 'internalMessage' instead of 'message' (lib/internal/child_process.js isInternal),
// so the application's own process.on('message') never sees ours. Field names are one letter:
// some (datagrams, direct-mode accept reports) travel often.

import type { ContentConfig } from '../config/types.js';

export const CMD = 'NODE_PORTPLEX';

/** Master -> worker: stop accepting, finish in-flight work, exit. */
export interface StopMessage { cmd: typeof CMD; t: 'stop' }
/** Master -> worker: report the ids you still hold (table reconciliation). */
export interface HeldQuery { cmd: typeof CMD; t: 'held?' }
/** Master -> worker: send your metrics, answering with request id `r`. */
export interface MetricsQuery { cmd: typeof CMD; t: 'metrics?'; r: number }
/** Master -> worker (direct mode): name the clients of the connections you accepted, answering with request id `r`. */
export interface PeersQuery { cmd: typeof CMD; t: 'peers?'; r: number }
/** Master -> worker: heartbeat `s`. */
export interface PingMessage { cmd: typeof CMD; t: 'ping'; s: number }

/** Master -> worker: close your copy of listener l's socket: accept nothing more on it until given it again. */
export interface ListenPauseMessage { cmd: typeof CMD; t: 'lp'; l: number }

/** Worker -> master (direct mode): I now listen on listener l's shared socket. */
export interface SharedListeningMessage { cmd: typeof CMD; t: 'la'; l: number }
/** Worker -> master (direct mode): a connection it accepted was closed unserved, for reason r. */
export interface DirectDropMessage { cmd: typeof CMD; t: 'dd'; r: string }
/** Worker -> master: I did not take connection i (why: 'stale' | 'no-server' | 'stopping' | 'dropped'). */
export interface RefuseMessage { cmd: typeof CMD; t: 'r'; i: number; why: string }
/** Worker -> master: the listener indexes I now serve. */
export interface ListeningMessage { cmd: typeof CMD; t: 'listening'; l: number[] }
/** Worker -> master: the application says it is ready (or not). */
export interface ReadyMessage { cmd: typeof CMD; t: 'ready' }
/** Worker -> master: the ids I hold, answering HeldQuery. */
export interface HeldMessage { cmd: typeof CMD; t: 'held'; c: number[] }
/** Worker -> master: for request `r`, flat triples of direct connection number, client address and port. */
export interface PeersMessage { cmd: typeof CMD; t: 'peers'; r: number; p: Array<number | string> }
/** Worker -> master: the application sets its weight (0 drains) or asks for its configured one back. */
export interface AgentMessage { cmd: typeof CMD; t: 'agent'; w: number | 'undrain' }
/** Worker -> master: metrics for request `r` (prom-client getMetricsAsJSON), null if none; e = error text. */
export interface MetricsMessage { cmd: typeof CMD; t: 'metrics'; r: number; m: unknown[] | null; e?: string }
/** Worker -> master: heartbeat `s` answered; d = max event-loop delay (ms) since the last one, a = open connections. */
export interface PongMessage { cmd: typeof CMD; t: 'pong'; s: number; d: number; a: number }

export type ToWorker = StopMessage | HeldQuery | PingMessage | MetricsQuery | PeersQuery | ListenPauseMessage;
export type ToMaster = DirectDropMessage | SharedListeningMessage | RefuseMessage | ListeningMessage | ReadyMessage | HeldMessage | PongMessage | MetricsMessage | PeersMessage | AgentMessage;

/** True for a message of ours; anything else on the channel belongs to the application or Node. */
export function isOurs(message: unknown): message is { cmd: typeof CMD; t: unknown } {
  return typeof message === 'object' && message !== null && (message as { cmd?: unknown }).cmd === CMD;
}

/** A list of record ids from another process, checked before use: bad input is dropped, never thrown. */
export function idList(value: unknown, max = 1 << 20): number[] | undefined {
  if (!Array.isArray(value) || value.length > max) return undefined;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'number') return undefined;
  return value as number[];
}

/** Environment variables the master passes to each worker. */
export const ENV = Object.freeze({
  workerId: 'PORTPLEX_WORKER_ID',
  group: 'PORTPLEX_GROUP',
  /** JSON: [{ i, host, port, family }] of the listeners this worker's group serves. */
  listeners: 'PORTPLEX_LISTENERS',
  /** ms after which a connection still arriving is refused (the master has given up on it). */
  staleAfter: 'PORTPLEX_STALE_AFTER',
  /** Acks a worker may gather before it must send them: half the master's hand-over window. */
  ackBatch: 'PORTPLEX_ACK_BATCH',
});

/** One listener as a worker sees it. */
export interface WorkerListener {
  i: number;
  /** 'udp': bind() of a dgram socket on this port is served; 'tcp' (or absent): listen() of a server. */
  protocol?: 'tcp' | 'udp';
  /** The address the master bound, as server.address() should report it. */
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
  /** 1: direct mode, the worker accepts on the shared socket the master gives it. */
  d?: 1;
  /** Direct mode: the listen(2) backlog. */
  b?: number;
  /** Direct mode with rules: the content step, and the listener's groups (default first). */
  c?: ContentConfig;
  g?: readonly string[];
}
