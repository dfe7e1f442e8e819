// One accepted connection while the master still holds it: queued, or on its way to a worker.
import type { RawHandle } from '../internals/tcp-handle.js';

/** The master's per-connection state until a worker acknowledges; the record lives in the table. */
export interface Handoff {
  /** Record id in the connection table. */
  readonly id: number;
  readonly handle: RawHandle;
  readonly listener: number;
  /** Index of the pool (listener x group) it goes to: the listener's default until content routes it elsewhere; also its pending-queue lane. */
  pool: number;
  /** Sticky key from the content: hashed onto the pool's workers instead of the balancer's pick. */
  key?: string;
  /** The client: the peer of the socket, or the one a PROXY header names. */
  clientAddress: string;
  clientPort: number;
  /** 'IPv4' or 'IPv6' (or '' when unknown): with the address and port, what the worker's socket reports as its peer. */
  clientFamily: string;
  /** performance.now() at accept: the hand-over duration runs from here to the worker's ack. */
  readonly acceptedHr: number;
  /** Hand-over attempts so far. */
  tries: number;
  /** ms timestamp: when it was accepted, then when it was queued or last sent to a worker. */
  since: number;
  /** Bytes already read from the connection, shipped with the hand-over. */
  data: Buffer | undefined;
  /** The master also read the client's end of stream. */
  eof?: boolean;
  /** Taken by a worker that died before it said it had read from it (see first-read.ts). */
  rescued?: boolean;
}
