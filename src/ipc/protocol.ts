// The JSON messages between master and workers over Node's IPC channel: one typed union per
// direction, one parser per direction, one sender per process (WorkerProcess.send in the
// master, the runtime's MasterChannel.send in a worker). What happens per connection, and every
// descriptor, travels in binary frames instead (frames.ts).
//
// Every message carries cmd: 'NODE_PORTPLEX'. Node delivers messages whose cmd starts with
// "NODE_" as 'internalMessage' instead of 'message' (lib/internal/child_process.js isInternal),
// so the application's own process.on('message') never sees ours. Field names are one letter,
// but for the request id: a question carries `req` and its answer the same `req` back
// (request-ids.ts), one scheme for every question either side asks. docs/internals/frames.md
// lists every message and its fields; MESSAGE_FIELDS below is checked against it and the types.
//
// A parser returns the message with every field checked, or undefined: what the other process
// sends is never trusted to be of its declared shape (a worker runs the user's code).
import { isIP } from 'node:net';
import type { ContentConfig, StickyConfig } from '../config/types.js';

export const CMD = 'NODE_PORTPLEX';

/**
 * Where portplex's own code in a worker can fail without taking the application down
 * (in-worker/faults.ts): the master counts each kind (portplex_worker_faults_total) and logs the first.
 */
export const WORKER_FAULT_KINDS = ['heartbeat', 'usage', 'message', 'frame', 'adopt', 'first-read', 'delivery', 'direct-accept', 'drain', 'report', 'session-report', 'websocket', 'request-count'] as const;
export type WorkerFaultKind = (typeof WORKER_FAULT_KINDS)[number];
/** Characters of a fault's message a worker sends at most. */
export const MAX_FAULT_TEXT = 300;

/** Master -> worker. */
export type ToWorker =
  /** Stop accepting, finish in-flight work, exit. */
  | { cmd: typeof CMD; t: 'stop' }
  /** Report the ids you still hold (table reconciliation). */
  | { cmd: typeof CMD; t: 'held?' }
  /** Heartbeat: answer with 'pong' and the same `req` at once. */
  | { cmd: typeof CMD; t: 'ping'; req: number }
  /** Send your metrics ('metrics', same `req`). */
  | { cmd: typeof CMD; t: 'metrics?'; req: number }
  /** Direct mode: name the clients of the connections you accepted ('peers', same `req`). */
  | { cmd: typeof CMD; t: 'peers?'; req: number }
  /** Direct mode: close your copy of listener l's socket; accept nothing more on it until given it again. */
  | { cmd: typeof CMD; t: 'lp'; l: number }
  /**
   * Answers listen request `req`: serve listener `l` (bound by the master for you and every worker
   * that asks for the same address), or, with `l` null, the bind failed with error code `e`
   * (errno `n`), which your server emits as a real bind's 'error'.
   */
  | { cmd: typeof CMD; t: 'lr'; req: number; l: WorkerListener | null; e?: string; n?: number };

/** Worker -> master. */
export type ToMaster =
  /** The listener indexes I now serve. */
  | { cmd: typeof CMD; t: 'listening'; l: number[] }
  /** The application says it is ready. */
  | { cmd: typeof CMD; t: 'ready' }
  /** I did not take connection i (why: 'stale' | 'no-server' | 'stopping' | 'full'). */
  | { cmd: typeof CMD; t: 'r'; i: number; why: string }
  /** The ids I hold, answering 'held?'. */
  | { cmd: typeof CMD; t: 'held'; c: number[] }
  /**
   * Heartbeat `req` answered; d = max event-loop delay (ms) since the last one, a = open connections;
   * r = resident set size and h = V8 heap used (bytes), u = CPU seconds per second since the last
   * one (1 = one core busy); q = HTTP requests its servers have received since it started;
   * r, h, u and q are -1 when the worker did not say.
   */
  | { cmd: typeof CMD; t: 'pong'; req: number; d: number; a: number; r: number; h: number; u: number; q: number }
  /** Metrics for request `req` (prom-client getMetricsAsJSON), null if none; e = error text. */
  | { cmd: typeof CMD; t: 'metrics'; req: number; m: unknown[] | null; e?: string }
  /** For request `req`, flat triples of direct connection number, client address and port. */
  | { cmd: typeof CMD; t: 'peers'; req: number; p: Array<number | string> }
  /** The application sets its weight (0 drains) or asks for its configured one back. */
  | { cmd: typeof CMD; t: 'agent'; w: number | 'undrain' }
  /** Direct mode: I now listen on listener l's shared socket. */
  | { cmd: typeof CMD; t: 'la'; l: number }
  /** Direct mode: a connection I accepted was closed unserved, for reason r. */
  | { cmd: typeof CMD; t: 'dd'; r: string }
  /**
   * Listen request `req`, as Node's cluster queryServer: my application listens on host `h`
   * (an IP address; null: every address) and port `p` (0: any), its `x`-th open listen() of
   * that address. The master binds it once and serves it to every worker that asks.
   */
  | { cmd: typeof CMD; t: 'lq'; req: number; h: string | null; p: number; x: number; u?: string }
  /**
   * My application read Node's cluster role (cluster.isPrimary and the like; it takes its worker
   * branch), in file `f` when known (an ESM import of node:cluster names none). Sent once.
   */
  | { cmd: typeof CMD; t: 'cu'; f?: string }
  /**
   * portplex's own code in me failed `n` times at `k` (one of WORKER_FAULT_KINDS) since my last
   * such report, the first with message `e`; the application goes on.
   */
  | { cmd: typeof CMD; t: 'ft'; k: WorkerFaultKind; n: number; e: string };

export type ToWorkerType = ToWorker['t'];
export type ToMasterType = ToMaster['t'];

/** A message's field names (besides cmd and t), an optional one marked `name?`. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
type FieldName<T> = { [K in Exclude<keyof T, 'cmd' | 't'>]: K extends OptionalKeys<T> ? `${K & string}?` : K & string }[Exclude<keyof T, 'cmd' | 't'>];
/** Each message type of a direction with its fields: a name that is not a field fails to compile. */
type FieldTable<M extends { t: string }> = { readonly [T in M['t']]: readonly FieldName<Extract<M, { t: T }>>[] };
/** The fields of `M` that its table leaves out (never when the table is complete). */
type Unlisted<M extends { t: string }, Table extends FieldTable<M>> = { [T in M['t']]: Exclude<FieldName<Extract<M, { t: T }>>, Table[T][number]> }[M['t']];

/**
 * Every message and its fields, as docs/internals/frames.md lists them (a unit test compares the
 * two). The compiler holds this to the types above both ways: a field listed that a message does
 * not have, or one it has that is not listed (optional ones as `name?`), fails the build.
 */
export const MESSAGE_FIELDS = Object.freeze({
  toWorker: {
    stop: [],
    'held?': [],
    ping: ['req'],
    'metrics?': ['req'],
    'peers?': ['req'],
    lp: ['l'],
    lr: ['req', 'l', 'e?', 'n?'],
  } as const satisfies FieldTable<ToWorker>,
  toMaster: {
    listening: ['l'],
    ready: [],
    r: ['i', 'why'],
    held: ['c'],
    pong: ['req', 'd', 'a', 'r', 'h', 'u', 'q'],
    metrics: ['req', 'm', 'e?'],
    peers: ['req', 'p'],
    agent: ['w'],
    la: ['l'],
    dd: ['r'],
    lq: ['req', 'h', 'p', 'x', 'u?'],
    cu: ['f?'],
    ft: ['k', 'n', 'e'],
  } as const satisfies FieldTable<ToMaster>,
  /** A listener as 'lr' and PORTPLEX_LISTENERS carry it. */
  listener: ['i', 'protocol?', 'address', 'port', 'family', 'u?', 'd?', 'b?', 'c?', 'g?', 's?'] as const satisfies readonly FieldName<WorkerListener>[],
});
// Compile-time completeness: each is `true` only when no field is left out of MESSAGE_FIELDS.
const complete: [[Unlisted<ToWorker, typeof MESSAGE_FIELDS.toWorker>], [Unlisted<ToMaster, typeof MESSAGE_FIELDS.toMaster>], [Exclude<FieldName<WorkerListener>, (typeof MESSAGE_FIELDS.listener)[number]>]] extends [[never], [never], [never]] ? true : never = true;
void complete;

/** Handlers for every message of a direction, looked up by type (Node's cluster does the same). */
export type MessageTable<M extends { t: string }, Ctx> = { readonly [T in M['t']]: (ctx: Ctx, m: Extract<M, { t: T }>) => void };

/** True for a message of ours; anything else on the channel belongs to the application or Node. */
export function isOurs(message: unknown): message is { cmd: typeof CMD; t: unknown } {
  return typeof message === 'object' && message !== null && (message as { cmd?: unknown }).cmd === CMD;
}

/** Ids a worker may list at most in one answer. */
const MAX_IDS = 1 << 20;
/** A Unix socket path's length at most, in a listen request. */
const MAX_PATH = 4096;

const int = (v: unknown): v is number => Number.isInteger(v);
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** A figure a worker reports about itself: a number >= 0, else -1 (unknown). */
const size = (v: unknown): number => (num(v) && v >= 0 ? v : -1);
/** A count a worker reports about itself: a whole number >= 0 that a double holds exactly, else -1 (unknown). */
const count = (v: unknown): number => (int(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER ? v : -1);
const numbers = (v: unknown, max: number): v is number[] => Array.isArray(v) && v.length <= max && v.every((x) => typeof x === 'number');

/** A worker's message, checked field by field; undefined when it is not one of ToMaster. */
export function parseToMaster(message: unknown): ToMaster | undefined {
  if (!isOurs(message)) return undefined;
  const m = message as Record<string, unknown>;
  switch (m.t) {
    // Entries that are not listener indexes are left out (the list is checked against the listeners anyway).
    case 'listening': return numbers(m.l, 65536) ? { cmd: CMD, t: 'listening', l: m.l.filter(int) } : undefined;
    case 'ready': return { cmd: CMD, t: 'ready' };
    // A refusal without a reason is still a refusal: the connection must go elsewhere.
    case 'r': return int(m.i) ? { cmd: CMD, t: 'r', i: m.i, why: typeof m.why === 'string' ? m.why : '' } : undefined;
    case 'held': return numbers(m.c, MAX_IDS) ? { cmd: CMD, t: 'held', c: m.c } : undefined;
    case 'pong': return num(m.req) && num(m.d) ? { cmd: CMD, t: 'pong', req: m.req, d: m.d, a: num(m.a) ? m.a : 0, r: size(m.r), h: size(m.h), u: size(m.u), q: count(m.q) } : undefined;
    case 'metrics': {
      // An answer without usable metrics still answers the request (the scrape need not wait).
      if (!num(m.req)) return undefined;
      const metrics = Array.isArray(m.m) ? m.m : null;
      return typeof m.e === 'string' ? { cmd: CMD, t: 'metrics', req: m.req, m: metrics, e: m.e } : { cmd: CMD, t: 'metrics', req: m.req, m: metrics };
    }
    case 'peers': return num(m.req) && Array.isArray(m.p) && m.p.length <= 3 * MAX_IDS ? { cmd: CMD, t: 'peers', req: m.req, p: m.p as Array<number | string> } : undefined;
    case 'agent': return m.w === 'undrain' || (int(m.w) && m.w >= 0 && m.w <= 65535) ? { cmd: CMD, t: 'agent', w: m.w } : undefined;
    case 'la': return int(m.l) && m.l >= 0 ? { cmd: CMD, t: 'la', l: m.l } : undefined;
    case 'dd': return typeof m.r === 'string' ? { cmd: CMD, t: 'dd', r: m.r } : undefined;
    case 'lq': {
      const host = m.h === null ? null : typeof m.h === 'string' && isIP(m.h) !== 0 ? m.h : undefined;
      if (!int(m.req) || host === undefined || !int(m.p) || m.p < 0 || m.p > 65535 || !int(m.x) || m.x < 0 || m.x > 65535) return undefined;
      if (m.u === undefined) return { cmd: CMD, t: 'lq', req: m.req, h: host, p: m.p, x: m.x };
      // A Unix socket path: bounded (sun_path is 108 bytes; longer ones fail in the bind, named).
      if (typeof m.u !== 'string' || m.u === '' || m.u.length > MAX_PATH) return undefined;
      return { cmd: CMD, t: 'lq', req: m.req, h: null, p: 0, x: m.x, u: m.u };
    }
    case 'cu': {
      if (m.f === undefined) return { cmd: CMD, t: 'cu' };
      return typeof m.f === 'string' && m.f !== '' && m.f.length <= MAX_PATH ? { cmd: CMD, t: 'cu', f: m.f } : undefined;
    }
    case 'ft': {
      const k = WORKER_FAULT_KINDS.find((x) => x === m.k);
      if (k === undefined || !int(m.n) || m.n < 1 || m.n > Number.MAX_SAFE_INTEGER || typeof m.e !== 'string') return undefined;
      return { cmd: CMD, t: 'ft', k, n: m.n, e: m.e.slice(0, MAX_FAULT_TEXT) };
    }
    default: return undefined;
  }
}

/** The master's message, checked; undefined when it is not one of ToWorker. */
export function parseToWorker(message: unknown): ToWorker | undefined {
  if (!isOurs(message)) return undefined;
  const m = message as Record<string, unknown>;
  switch (m.t) {
    case 'stop': return { cmd: CMD, t: 'stop' };
    case 'held?': return { cmd: CMD, t: 'held?' };
    case 'ping': return num(m.req) ? { cmd: CMD, t: 'ping', req: m.req } : undefined;
    case 'metrics?': return num(m.req) ? { cmd: CMD, t: 'metrics?', req: m.req } : undefined;
    case 'peers?': return num(m.req) ? { cmd: CMD, t: 'peers?', req: m.req } : undefined;
    case 'lp': return int(m.l) && m.l >= 0 ? { cmd: CMD, t: 'lp', l: m.l } : undefined;
    case 'lr': {
      if (!int(m.req)) return undefined;
      if (m.l === null) return typeof m.e === 'string' && int(m.n) ? { cmd: CMD, t: 'lr', req: m.req, l: null, e: m.e, n: m.n } : undefined;
      const l = m.l as Record<string, unknown> | undefined;
      if (l === undefined || typeof l !== 'object' || !int(l.i) || typeof l.address !== 'string' || !int(l.port) || (l.family !== 'IPv4' && l.family !== 'IPv6')) return undefined;
      const listener: WorkerListener = { i: l.i, protocol: 'tcp', address: l.address, port: l.port, family: l.family };
      if (l.u === 1) listener.u = 1;
      return { cmd: CMD, t: 'lr', req: m.req, l: listener };
    }
    default: return undefined;
  }
}

/** Runs the handler of `m`'s type. */
export function dispatch<M extends { t: string }, Ctx>(table: MessageTable<M, Ctx>, ctx: Ctx, m: M): void {
  (table[m.t as M['t']] as (ctx: Ctx, m: M) => void)(ctx, m);
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
  /** ms the worker's servers get to finish when the master is gone. */
  grace: 'PORTPLEX_GRACE',
  /** JSON: the ports each worker binds itself (ownPorts): listen() on them is left alone. */
  ownPorts: 'PORTPLEX_OWN_PORTS',
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
  /** 1: a Unix socket; `address` is its path (port 0). */
  u?: 1;
  /** 1: direct mode, the worker accepts on the shared socket the master gives it. */
  d?: 1;
  /** Direct mode: the listen(2) backlog. */
  b?: number;
  /** Direct mode with rules: the content step, and the listener's groups (default first). */
  c?: ContentConfig;
  g?: readonly string[];
  /** Sticky sessions: where the key is; the worker reports the keys its application creates. */
  s?: StickyConfig;
}
