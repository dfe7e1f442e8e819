// Fakes for the master's view of worker processes: a channel that records what is written and
// sent, a raw TCP handle that counts its closes, and builders for ready, listening processes.
import { HEADER_BYTES, decodeConn } from '../../../src/ipc/frames.js';
import type { ToWorker } from '../../../src/ipc/protocol.js';
import type { PeerName, RawHandle } from '../../../src/internals/tcp-handle.js';
import { Worker } from '../../../src/workers/worker.js';
import { WorkerProcess, type ProcessChannel } from '../../../src/workers/worker-process.js';
import type { GroupConfig } from '../../../src/config/types.js';
import { Handoff } from '../../../src/workers/handoff.js';

export class FakeChannel implements ProcessChannel {
  connected = true;
  /** What write() answers; false plays a broken pipe. */
  writeOk = true;
  readonly writes: Array<{ frame: Buffer; handle: unknown }> = [];
  readonly sent: ToWorker[] = [];
  readonly signals: NodeJS.Signals[] = [];

  write(frame: Buffer, handle?: unknown): boolean {
    this.writes.push({ frame, handle });
    return this.writeOk;
  }

  send(message: ToWorker): boolean {
    this.sent.push(message);
    return this.connected;
  }

  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
  }

  /** The connection ids of the C frames written, in order. */
  ids(): number[] {
    return this.writes.map((w) => decodeConn(w.frame, HEADER_BYTES, w.frame.length)!.id);
  }
}

export class FakeHandle implements RawHandle {
  closed = 0;
  constructor(readonly address = '192.0.2.1', readonly port = 40000, readonly family = 'IPv4') {}

  getpeername(out: PeerName): number {
    out.address = this.address;
    out.port = this.port;
    out.family = this.family;
    return 0;
  }

  close(): void {
    this.closed++;
  }
}

/** A group as Worker needs it; only its name is read by the code under test. */
export function group(name = 'default', algorithm = 'round-robin'): GroupConfig {
  return { name, script: '/dev/null', args: [], env: {}, cwd: '/', execArgv: [], workers: 1, algorithm, weights: [1], maxConnections: 0, maxMemory: 0, maxConnectionsServed: 0, maxRequests: 0, maxRequestsJitter: 0, maxLifetime: 0, maxLifetimeJitter: 0, waitReady: false };
}

let nextPid = 1000;

/** A process on a fake channel; with `ready`, ready and serving `listeners`. */
export function makeProcess(workerId: number, options: { ready?: boolean; listeners?: number[]; group?: string; now?: number } = {}): { p: WorkerProcess; channel: FakeChannel } {
  const channel = new FakeChannel();
  const p = new WorkerProcess(workerId, options.group ?? 'default', nextPid++, channel, options.now ?? 0);
  if (options.ready ?? true) {
    p.markReady(options.now ?? 0);
    p.setListening(options.listeners ?? [0]);
  }
  return { p, channel };
}

/** A worker with a ready, listening process attached. */
export function makeWorker(id: number, options: { weight?: number; max?: number; group?: GroupConfig; listeners?: number[] } = {}): { worker: Worker; p: WorkerProcess; channel: FakeChannel } {
  const g = options.group ?? group();
  const worker = new Worker(id, g, options.weight ?? 1, options.max ?? 0);
  const { p, channel } = makeProcess(id, { group: g.name, listeners: options.listeners });
  worker.attach(p);
  return { worker, p, channel };
}

/** A connection in flight as the window and pools see it. */
export function handoff(id: number, since = 0, listener = 0, handle: RawHandle = new FakeHandle()): Handoff {
  const h = new Handoff(id, handle, listener, listener, '192.0.2.1', 40000, 'IPv4', 0, since);
  h.sentAt(since);
  return h;
}
