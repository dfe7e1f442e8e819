// One accepted connection while the master still holds it: queued, being read, on its way to a
// worker, or taken and kept until the worker begins on it. It owns its fields: the preread and
// the hand-over engine tell it what happened, and everyone else reads.
import type { RawHandle } from '../internals/tcp-handle.js';

/** The master's per-connection state until a worker begins on it; the record lives in the table. */
export class Handoff {
  private poolIndex: number;
  private stickyKey: string | undefined = undefined;
  private address: string;
  private port: number;
  private family: string;
  private attempts = 0;
  private at: number;
  private bytes: Buffer | undefined = undefined;
  private ended = false;
  private saved = false;

  constructor(
    /** Record id in the connection table. */
    readonly id: number,
    readonly handle: RawHandle,
    readonly listener: number,
    /** The listener's default pool: where it goes unless content routes it elsewhere. */
    pool: number,
    /** The peer of the socket. */
    clientAddress: string,
    clientPort: number,
    clientFamily: string,
    /** performance.now() at accept: the hand-over duration runs from here to the worker's ack. */
    readonly acceptedHr: number,
    /** ms timestamp of the accept. */
    now: number,
  ) {
    this.poolIndex = pool;
    this.address = clientAddress;
    this.port = clientPort;
    this.family = clientFamily;
    this.at = now;
  }

  /** Index of the pool (listener x group) it goes to; also its pending-queue lane. */
  get pool(): number {
    return this.poolIndex;
  }

  /** Sticky key from the content: hashed onto the pool's workers instead of the balancer's pick. */
  get key(): string | undefined {
    return this.stickyKey;
  }

  /** The client: the peer of the socket, or the one a PROXY header names. */
  get clientAddress(): string {
    return this.address;
  }

  get clientPort(): number {
    return this.port;
  }

  /** 'IPv4' or 'IPv6' (or '' when unknown): with the address and port, what the worker's socket reports as its peer. */
  get clientFamily(): string {
    return this.family;
  }

  /** Hand-over attempts so far (counted afresh when it is rescued). */
  get tries(): number {
    return this.attempts;
  }

  /** ms timestamp: when it was accepted, then when it was queued, last sent, or taken. */
  get since(): number {
    return this.at;
  }

  /** Bytes already read from the connection, shipped with the hand-over. */
  get data(): Buffer | undefined {
    return this.bytes;
  }

  /** The master also read the client's end of stream. */
  get eof(): boolean {
    return this.ended;
  }

  /** Taken by a worker that died before it said it had read from it (see first-read.ts). */
  get rescued(): boolean {
    return this.saved;
  }

  /** A PROXY header named the client. */
  proxiedFrom(address: string, port: number, family: string): void {
    this.address = address;
    this.port = port;
    this.family = family;
  }

  /** Content rules chose its pool, and its sticky key (if it carries one). */
  route(pool: number, key: string | undefined): void {
    this.poolIndex = pool;
    this.stickyKey = key;
  }

  /** The master read `bytes` (and the end of stream, with `eof`) before the hand-over: they go with it. */
  readAhead(bytes: Buffer, eof: boolean): void {
    if (bytes.length > 0) this.bytes = bytes;
    if (eof) this.ended = true;
  }

  /** It waits for a worker from `now` on (queued, or about to be picked again). */
  waitingSince(now: number): void {
    this.at = now;
  }

  /** Sent to a worker at `now`: one more try. */
  sentAt(now: number): void {
    this.attempts++;
    this.at = now;
  }

  /** A worker took it at `now`; the master keeps its copy until the worker begins on it. */
  takenAt(now: number): void {
    this.at = now;
  }

  /** Its worker died before beginning on it: it goes to another whole, its tries counted afresh. */
  rescue(): void {
    this.attempts = 0;
    this.saved = true;
  }
}
