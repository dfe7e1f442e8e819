// Counters the datagram path bumps: plain numbers and typed arrays, read by metrics at scrape time.

/** Why the master dropped a datagram. */
export type UdpDropReason =
  /** No worker of the listener's group could take a new flow. */
  | 'no_worker'
  /** Larger than udpMaxDatagram (from a client, or a worker's reply). */
  | 'oversize'
  /** The connection table could not take another flow record. */
  | 'flow_limit'
  /** udpWorkerQueue datagrams were already waiting for the worker's IPC channel. */
  | 'queue_full'
  /** The worker's IPC channel was closed. */
  | 'worker_gone'
  /** Writing to the worker's channel or the client's address failed. */
  | 'send_error'
  /** Arrived while the master was stopping, or a reply after its socket closed. */
  | 'shutdown';

export const UDP_DROP_REASONS: readonly UdpDropReason[] = ['no_worker', 'oversize', 'flow_limit', 'queue_full', 'worker_gone', 'send_error', 'shutdown'];

export class UdpStats {
  /** Datagrams received from clients, per listener index. */
  readonly received: number[];
  readonly dropped: Record<UdpDropReason, number> = { no_worker: 0, oversize: 0, flow_limit: 0, queue_full: 0, worker_gone: 0, send_error: 0, shutdown: 0 };
  /** Replies from workers that were not of the protocol's shape (ignored). */
  malformed = 0;
  // Per worker id (or retired-process key): datagrams and bytes relayed to it (in) and sent
  // for it to clients (out). Grown on demand, so a worker id costs nothing until it is used.
  datagramsIn: Float64Array = new Float64Array(16);
  bytesIn: Float64Array = new Float64Array(16);
  datagramsOut: Float64Array = new Float64Array(16);
  bytesOut: Float64Array = new Float64Array(16);

  constructor(listeners: number) {
    this.received = new Array<number>(listeners).fill(0);
  }

  countIn(worker: number, bytes: number): void {
    if (worker >= this.datagramsIn.length) this.#grow(worker);
    this.datagramsIn[worker]++;
    this.bytesIn[worker] += bytes;
  }

  countOut(worker: number, bytes: number): void {
    if (worker >= this.datagramsOut.length) this.#grow(worker);
    this.datagramsOut[worker]++;
    this.bytesOut[worker] += bytes;
  }

  get droppedTotal(): number {
    let n = 0;
    for (const r of UDP_DROP_REASONS) n += this.dropped[r];
    return n;
  }

  #grow(worker: number): void {
    let n = this.datagramsIn.length;
    while (n <= worker) n *= 2;
    const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.datagramsIn = grow(this.datagramsIn);
    this.bytesIn = grow(this.bytesIn);
    this.datagramsOut = grow(this.datagramsOut);
    this.bytesOut = grow(this.bytesOut);
  }
}
