// A connection the master hands over (a C frame with its descriptor): given to the server of
// its listener and acknowledged, or refused so that the master gives it to another worker.
import type { ConnFrame } from '../ipc/frames.js';
import type { ArrivedHandle, Delivery } from './delivery.js';
import type { ListenIntercept } from './listen-intercept.js';
import type { Peer } from '../internals/net-server.js';
import type { RawHandle } from '../internals/tcp-handle.js';
import type { ClusterHandle } from './cluster-handle.js';
import { FirstRead } from './first-read.js';
import { CMD } from '../ipc/protocol.js';
import { caught } from './faults.js';
import type { MasterChannel } from './master-channel.js';
import type { RuntimeStats } from './stats.js';

export class Adoption {
  constructor(
    private readonly channel: MasterChannel,
    private readonly delivery: Delivery,
    private readonly serving: ListenIntercept,
    private readonly stats: RuntimeStats,
    /** ms after which a connection still arriving is refused (the master gives up on it at twice this). */
    private readonly staleAfter: number,
    private readonly stopping: () => boolean,
  ) {}

  /** A C frame arrived (the frame handler's entry point): what our code throws here is a fault, and the connection is not lost. */
  adopt(f: ConnFrame | undefined, handle: ArrivedHandle | undefined): void {
    if (f !== undefined && handle === undefined) {
      // The frame came, its descriptor did not: with every descriptor of this process taken the
      // kernel cannot install it (recvmsg truncates the control data). Unanswered, the master
      // would wait out its hand-over deadline and kill this process as hung; refused, it keeps
      // its copy and gives the connection to another worker.
      this.stats.refused++;
      this.channel.refuse(f.id, 'no-descriptor');
      caught('adopt', new Error(`connection ${f.id} arrived without its descriptor (out of descriptors?)`));
      return;
    }
    if (f === undefined || !handle || typeof handle.close !== 'function') {
      this.stats.malformed++;
      if (handle && typeof handle.close === 'function') handle.close();
      return;
    }
    this.acked = false;
    try {
      this.take(f, handle);
    } catch (err) {
      caught('adopt', err);
      this.rescue(f.id, handle);
    }
  }

  /** Acknowledged in this adopt() call: a fault after it can no longer refuse. */
  private acked = false;

  /**
   * After a fault in adopt(): a connection a server holds, or one being read, is in good hands.
   * Else, not yet acknowledged, it is refused (the master gives it to another worker); once
   * acknowledged, it is closed and its close reported, so the master's record goes with it.
   */
  private rescue(id: number, handle: ArrivedHandle, acked = this.acked): void {
    try {
      if (this.delivery.held.has(id) || this.isReading(id)) return;
      handle.close();
      this.stats.refused++;
      if (acked) this.channel.reportClose(id);
      else this.channel.refuse(id, 'fault');
    } catch (err) {
      caught('adopt', err);
    }
  }

  private isReading(id: number): boolean {
    for (const x of this.firstRead.ids()) if (x === id) return true;
    return this.readNow.some((r) => r.id === id);
  }

  private take(f: ConnFrame, handle: ArrivedHandle): void {
    const id = f.id;
    const target = this.serving.handleOf(f.listener);
    let why = '';
    if (this.stopping()) why = 'stopping';
    else if (!target || !target.onconnection) why = 'no-server';
    // The master hands a connection elsewhere once its deadline passes; refusing well before
    // that deadline keeps two processes from ever serving one socket.
    else if (Date.now() - f.sentAt > this.staleAfter) why = 'stale';
    if (why) {
      this.stats.refused++;
      handle.close();
      this.channel.refuse(id, why);
      return;
    }
    // A copy: the frame's bytes belong to the channel's read buffer.
    const data = f.data === undefined ? undefined : Buffer.from(f.data);
    if (data === undefined && !f.eof && target!.clientFirst) {
      // Taken; the master keeps its copy until we have read the client's first bytes.
      this.channel.ack(id);
      this.acked = true;
      this.stats.adopted++;
      if (this.firstRead.wait(target!, handle as RawHandle, id, f.peer, f.rescued)) return;
      this.giveOn(target!, handle, id, false, f.peer);
      return;
    }
    if (this.delivery.deliver(target!, handle, id, data, f.eof, f.peer)) {
      this.stats.adopted++;
      this.acked = true;
      this.channel.ack(id);
      // Bytes the master read for us are a start; so is a server that may speak first.
      this.channel.reportBegun(id);
    } else {
      // No 'connection' event: the server dropped it (maxConnections) and closed our copy.
      this.stats.refused++;
      this.channel.refuse(id, 'full');
    }
  }

  /**
   * Connections being read, and read in this turn, not yet given to their server: ours (acked)
   * though no server holds them, so the master's sweep must hear of them with those that do.
   */
  readingIds(): number[] {
    const out = [...this.firstRead.ids()];
    for (const r of this.readNow) out.push(r.id);
    return out;
  }

  /** We stop: what is still being read goes to its server now, which drains it. */
  giveAllOn(): void {
    // Those read in this turn of the loop first: once the servers close, they could not be served.
    if (this.readFlush !== undefined) {
      clearImmediate(this.readFlush);
      this.flushRead();
    }
    this.firstRead.giveAllOn();
  }

  private readonly firstRead = new FirstRead({
    read: (target, handle, id, data, peer) => {
      // The bytes wait until the word that we read them has left (flushRead): from then, a crash
      // of ours cuts this connection. What is read in one turn of the loop leaves in one write.
      this.readNow.push({ target, handle, id, data, peer });
      this.readFlush ??= setImmediate(this.flushRead);
    },
    giveOn: (target, handle, id, eof, peer) => this.giveOn(target, handle, id, eof, peer),
    reset: (id) => this.channel.reportClose(id),
    silent: (id) => {
      this.stats.rescuedSilent++;
      this.channel.reportClose(id);
      this.channel.send({ cmd: CMD, t: 'dd', r: 'rescued_silent' });
    },
  });

  private readNow: Array<{ target: ClusterHandle; handle: RawHandle; id: number; data: Buffer; peer: Peer | undefined }> = [];
  private readFlush: NodeJS.Immediate | undefined;

  private readonly flushRead = (): void => {
    this.readFlush = undefined;
    const ready = this.readNow;
    this.readNow = [];
    let given = 0;
    try {
      for (const r of ready) this.channel.reportBegun(r.id);
      this.channel.flushReports();
      for (; given < ready.length; given++) {
        const r = ready[given];
        this.give(r.target, r.handle, r.id, r.data, false, r.peer);
      }
    } catch (err) {
      // A throw of the application's server goes on (caught() rethrows it), as it always did.
      caught('first-read', err);
      // Ours: those not given yet are closed and reported, none left held forever unread.
      for (let i = given; i < ready.length; i++) this.rescue(ready[i].id, ready[i].handle, true);
    }
  };

  private giveOn(target: ClusterHandle, handle: ArrivedHandle, id: number, eof: boolean, peer: Peer | undefined): void {
    this.channel.reportBegun(id);
    this.give(target, handle, id, undefined, eof, peer);
  }

  /** A connection already acknowledged goes to its server; one the server drops is closed and reported so. */
  private give(target: ClusterHandle, handle: ArrivedHandle, id: number, data: Buffer | undefined, eof: boolean, peer: Peer | undefined): void {
    if (target.closed || !target.onconnection) {
      // Its server closed while we read: the connection is ours, and goes with the server.
      handle.close();
      this.stats.refused++;
      this.channel.reportClose(id);
      return;
    }
    if (!this.delivery.deliver(target, handle, id, data, eof, peer)) {
      this.stats.refused++;
      this.channel.reportClose(id);
    }
  }
}
