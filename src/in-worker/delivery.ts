// Gives a connection to the application's own server, as if its listening socket had accepted
// it: the server's 'connection' event fires, first with our own listener, which attaches the
// connection's id, the bytes already read (put back in front of the stream) and the client the
// master saw. It keeps the open connections and reports each close to the master.
import type net from 'node:net';
import { setPeer, type Peer } from '../internals/net-server.js';
import type { ClusterHandle } from './cluster-handle.js';
import { appThrow, caught } from './faults.js';
import type { MasterChannel } from './master-channel.js';

/** No connection is being delivered: ids from the master are >= 0, direct ones < 0. */
const NONE = Number.NaN;

const kId = Symbol('portplex.connectionId');
const kHooked = Symbol('portplex.hooked');

/** A raw TCP handle as it arrives (over IPC, or from our own accept). */
export interface ArrivedHandle { close(): void }

export class Delivery {
  /** Connections we serve, by id (direct ones < 0). */
  readonly held = new Map<number, net.Socket>();
  private pendingId = NONE;
  private pendingData: Buffer | undefined;
  private pendingEof = false;
  private pendingPeer: Peer | undefined;

  constructor(private readonly channel: MasterChannel) {}

  /** Hooks `server` once, before the application's own 'connection' listeners. */
  hook(server: net.Server): void {
    const s = server as unknown as Record<symbol, boolean>;
    if (s[kHooked]) return;
    s[kHooked] = true;
    server.prependListener('connection', this.onConnection);
  }

  /**
   * Hands `handle` to `target`'s server as connection `id`; true when the server took it (its
   * 'connection' fired), false when it dropped it (maxConnections) and closed our copy.
   */
  deliver(target: ClusterHandle, handle: ArrivedHandle, id: number, data: Buffer | undefined, eof: boolean, peer: Peer | undefined): boolean {
    this.pendingId = id;
    this.pendingData = data !== undefined && data.length > 0 ? data : undefined;
    this.pendingEof = eof;
    this.pendingPeer = peer;
    try {
      target.onconnection!(0, handle);
    } catch (err) {
      // The server's 'connection' listeners are the application's (ours catches its own throws).
      throw appThrow(err);
    } finally {
      if (this.pendingId !== id) return true;
      this.pendingId = NONE;
      this.pendingData = undefined;
      this.pendingEof = false;
      this.pendingPeer = undefined;
    }
    return false;
  }

  private readonly onConnection = (socket: net.Socket): void => {
    const id = this.pendingId;
    if (Number.isNaN(id)) return; // a connection the application emitted itself
    this.pendingId = NONE;
    try {
      this.attach(socket, id);
    } catch (err) {
      // The server has the connection: it goes on to the application as it is.
      caught('delivery', err);
    }
  };

  /** Our part of a delivered connection: its id, its close report, its client, the bytes read. */
  private attach(socket: net.Socket, id: number): void {
    (socket as unknown as Record<symbol, number>)[kId] = id;
    this.held.set(id, socket);
    socket.on('close', this.onSocketClose);
    if (this.pendingPeer) {
      // The client the master saw (or the one a PROXY header named): net.Socket answers
      // remoteAddress/remotePort from this cache, so it never asks the handle and an
      // application that logs its clients saves a system call.
      setPeer(socket, this.pendingPeer);
      this.pendingPeer = undefined;
    }
    const data = this.pendingData;
    if (data) {
      this.pendingData = undefined;
      socket.unshift(data);
    }
    if (this.pendingEof) {
      // The master read the client's FIN along with the bytes: the stream ends after them.
      this.pendingEof = false;
      socket.push(null);
    }
  }

  // One shared function for every socket: `this` is the socket (no closure per connection).
  private readonly onSocketClose = ((delivery: Delivery) =>
    function (this: net.Socket): void {
      const id = (this as unknown as Record<symbol, number>)[kId];
      delivery.held.delete(id);
      try {
        delivery.channel.reportClose(id);
      } catch (err) {
        caught('report', err);
      }
    })(this);
}
