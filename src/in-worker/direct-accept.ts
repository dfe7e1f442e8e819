// Direct mode in the worker: accept on the listener's shared socket while the master lets us
// hold a copy, give each connection to the application's server, and report it (accept reports
// in D frames). With routing rules, read the first bytes first and hand back, through the
// master, what belongs to another group (the patent's rare hand-over).
import { CMD, type WorkerListener } from '../ipc/protocol.js';
import type { RawHandle, SharedListenHandle } from '../internals/tcp-handle.js';
import type { Delivery } from './delivery.js';
import type { ListenIntercept } from './listen-intercept.js';
import type { MasterChannel } from './master-channel.js';
import { afterQuietTurn } from '../quiet-turn.js';
import { RareHandoff } from './rare-handoff.js';
import type { RuntimeStats } from './stats.js';
import { caught } from './faults.js';

export class DirectAccept {
  /** Per listener: the shared socket the master gave us, while we may accept on it. */
  private readonly shared: Array<SharedListenHandle | undefined> = [];
  /** Per listener with rules: the step that keeps or hands back what we accept. */
  private readonly rare: Array<RareHandoff | undefined> = [];
  /** The next connection's number, counting down from -1 (the master's ids are >= 0). */
  private nextSeq = -1;
  /** Accepts so far, on every shared socket: closeAllQuietly() waits for a turn that adds none. */
  private accepts = 0;

  constructor(
    private readonly channel: MasterChannel,
    private readonly listeners: readonly WorkerListener[],
    group: string,
    private readonly delivery: Delivery,
    private readonly serving: ListenIntercept,
    private readonly stats: RuntimeStats,
    private readonly stopping: () => boolean,
  ) {
    for (const l of listeners) if (l.protocol !== 'udp' && l.d === 1 && l.c && l.g) this.rare[l.i] = new RareHandoff(l.c, l.g, group);
  }

  /** The master gives us listener `l`'s shared socket to accept on (an L frame). */
  take(l: number, handle: SharedListenHandle | undefined): void {
    const ours = this.listeners.some((x) => x.i === l && x.d === 1);
    if (!ours || !handle || typeof handle.listen !== 'function') {
      this.stats.malformed++;
      if (handle && typeof handle.close === 'function') handle.close();
      return;
    }
    this.close(l);
    if (this.stopping()) {
      handle.close();
      return;
    }
    this.shared[l] = handle;
    this.start(l);
  }

  /** Starts accepting on `l` once we hold its shared socket and the application serves it. */
  start(l: number): void {
    const h = this.shared[l];
    if (!h || h.onconnection || !this.serving.handleOf(l) || this.stopping()) return;
    h.onconnection = (err, client) => this.acceptGuarded(l, err, client);
    // listen() on the master's bound socket: the first worker puts it in the listening state;
    // for the others it only makes libuv watch it in this process.
    const err = h.listen(this.listeners.find((x) => x.i === l)?.b ?? 511);
    if (err !== 0) {
      this.stats.acceptErrors++;
      this.close(l);
      return;
    }
    this.channel.send({ cmd: CMD, t: 'la', l });
  }

  /** Closes our copy of `l`'s shared socket: the kernel wakes the other holders instead. */
  close(l: number): void {
    const h = this.shared[l];
    if (!h) return;
    this.shared[l] = undefined;
    h.onconnection = null;
    h.close();
  }

  closeAll(): void {
    for (let l = 0; l < this.shared.length; l++) this.close(l);
  }

  /**
   * Closes our copies once a turn of the event loop has accepted nothing on them (the last
   * holder's close would reset what the kernel has queued: see quiet-turn.ts), then calls `done`
   * (at once when we hold none).
   */
  closeAllQuietly(done: () => void): void {
    if (!this.shared.some((h) => h?.onconnection)) {
      this.closeAll();
      return done();
    }
    afterQuietTurn(() => this.accepts, () => {
      this.closeAll();
      done();
    });
  }

  /**
   * Names the clients of the connections we accepted ourselves, which our accept reports left
   * out: the master is reading its table. remoteAddress asks the socket once and caches the
   * answer, so a client the application already looked up costs nothing here.
   */
  answerPeers(req: number): void {
    // Every connection listed must be known to the master before the answer arrives.
    this.channel.flushAccepts();
    const p: Array<number | string> = [];
    for (const [id, socket] of this.delivery.held) {
      if (id >= 0 || socket.destroyed) continue;
      const address = socket.remoteAddress;
      const port = socket.remotePort;
      if (typeof address === 'string' && typeof port === 'number') p.push(id, address, port);
    }
    this.channel.send({ cmd: CMD, t: 'peers', req, p });
  }

  /** libuv's accept callback: an entry point of ours (faults.ts); a connection ours alone is closed on a fault. */
  private acceptGuarded(l: number, err: number, client: RawHandle | undefined): void {
    const before = this.nextSeq;
    try {
      this.accept(l, err, client);
    } catch (e) {
      caught('direct-accept', e);
      // Not delivered (no number taken, or the server does not hold it): no one else will close it.
      if (client && (this.nextSeq === before || !this.delivery.held.has(this.nextSeq + 1))) closeQuietly(client);
    }
  }

  private accept(l: number, err: number, client: RawHandle | undefined): void {
    this.accepts++;
    if (err !== 0 || !client) {
      this.stats.acceptErrors++;
      return;
    }
    if (!this.serving.handleOf(l)?.onconnection) {
      client.close();
      this.stats.refused++;
      return;
    }
    const rare = this.rare[l];
    if (!rare) return this.deliver(l, client, undefined, false);
    rare.inspect(client, (o) => {
      // Called later, by the read: an entry point too.
      const before = this.nextSeq;
      try {
        if (o.keep) this.deliver(l, client, o.bytes, o.eof);
        else if (o.forward) this.forward(l, client, o.bytes, o.eof);
        else {
          client.close();
          this.channel.send({ cmd: CMD, t: 'dd', r: o.reason });
        }
      } catch (e) {
        caught('direct-accept', e);
        if ((o.keep || !o.forward) && (this.nextSeq === before || !this.delivery.held.has(this.nextSeq + 1))) closeQuietly(client);
      }
    });
  }

  /** Gives a connection we accepted to the application's server, and reports it. */
  private deliver(l: number, client: RawHandle, bytes: Buffer | undefined, eof: boolean): void {
    const target = this.serving.handleOf(l);
    if (!target?.onconnection) {
      // The application closed its server while the first bytes were read.
      client.close();
      this.stats.refused++;
      return;
    }
    const seq = this.nextSeq--;
    if (this.delivery.deliver(target, client, seq, bytes, eof, undefined)) {
      this.stats.accepted++;
      this.channel.reportAccept(seq, l);
    } else {
      // Dropped by the application's server (maxConnections): never in the table.
      this.stats.refused++;
    }
  }

  /** Hands a connection whose content belongs to another group back through the master. */
  private forward(l: number, client: RawHandle, bytes: Buffer, eof: boolean): void {
    this.stats.forwarded++;
    // Our copy closes once the descriptor has left (or could not: then the client sees a close).
    this.channel.forward(l, bytes, eof, client, () => closeQuietly(client));
  }
}

/** Closes a handle of ours after a fault, or once sent on; a second fault here is counted too. */
function closeQuietly(client: RawHandle): void {
  try {
    client.close();
  } catch (err) {
    caught('direct-accept', err);
  }
}
