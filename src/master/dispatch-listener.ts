// A dispatch-mode listener's accepts: each connection is taken as a raw handle, recorded, read
// first when the listener routes by content, and handed to the engine that picks and sends.
// It also takes back what direct-mode workers hand over because its content belongs elsewhere.
import type { ListenerConfig } from '../config/types.js';
import { channels } from '../diagnostics.js';
import type { PeerName, RawHandle } from '../internals/tcp-handle.js';
import type { ForwardFrame } from '../ipc/frames.js';
import type { Handoff } from '../workers/handoff.js';
import type { Handoffs } from './handoffs.js';
import type { Preread, PrereadOutcome } from './preread.js';
import type { MasterStats } from './stats.js';

export class DispatchListener {
  // Reused on every accept: getpeername fills it.
  private readonly peer: PeerName = {};

  constructor(
    /** Every listener by index; it grows when the master binds one a worker asked for. */
    private readonly listeners: readonly ListenerConfig[],
    private readonly handoffs: Handoffs,
    private readonly preread: Preread,
    private readonly stats: MasterStats,
  ) {}

  /** The listener's accept callback: the start of a connection's way through the master. */
  readonly onAccept = (listener: number, err: number, handle: RawHandle | undefined): void => {
    if (err !== 0 || handle === undefined) return this.acceptFailed(listener, err);
    this.stats.accepted[listener]!++;
    const peer = this.peer;
    peer.address = undefined;
    if (handle.getpeername(peer) !== 0 || peer.address === undefined) {
      // Reset before we looked at it: nothing to serve, but it was accepted, so count it.
      handle.close();
      this.stats.dropped.accept_failed++;
      return;
    }
    const h = this.handoffs.hold(handle, listener, peer.address, peer.port ?? 0, peer.family ?? 'IPv4', Date.now());
    if (h === undefined) return;
    const content = this.listeners[listener]!.content;
    if (content === undefined) this.handoffs.dispatch(h);
    else this.preread.read(h, content, (o) => this.after(h, o));
  };

  /**
   * The accept callback of a Unix socket listener: the client has no address (a pipe handle has
   * no getpeername), so none is recorded or sent; the application's socket says the same.
   */
  readonly onAcceptLocal = (listener: number, err: number, handle: RawHandle | undefined): void => {
    if (err !== 0 || handle === undefined) return this.acceptFailed(listener, err);
    this.stats.accepted[listener]!++;
    const h = this.handoffs.hold(handle, listener, '', 0, '', Date.now());
    if (h !== undefined) this.handoffs.dispatch(h);
  };

  /**
   * Direct mode's rare hand-over: a worker accepted a connection whose first bytes route it to
   * another group, and hands it back with those bytes.
   */
  onForwarded(f: ForwardFrame | undefined, handle: RawHandle | undefined): void {
    const content = f !== undefined && this.listeners[f.listener]?.mode === 'direct' ? this.listeners[f.listener]!.content : undefined;
    if (!handle || f === undefined || content === undefined) {
      this.stats.malformed++;
      handle?.close();
      return;
    }
    this.stats.forwarded++;
    const peer = this.peer;
    peer.address = undefined;
    handle.getpeername(peer);
    // Unknown (the client already reset): the worker asks its socket, as it would anyway.
    const family = peer.address === undefined ? '' : peer.family ?? 'IPv4';
    const h = this.handoffs.hold(handle, f.listener, peer.address ?? '', peer.port ?? 0, family, Date.now());
    if (h === undefined) return;
    // A copy: the frame's bytes live in the read buffer only until we return.
    this.after(h, this.preread.judgeForwarded(h, content, Buffer.from(f.data), f.eof));
  }

  private acceptFailed(listener: number, err: number): void {
    this.stats.acceptErrors++;
    if (channels.acceptError.hasSubscribers) channels.acceptError.publish({ listener, code: err });
  }

  private after(h: Handoff, o: PrereadOutcome): void {
    if (o.dispatch) this.handoffs.dispatch(h);
    else this.handoffs.drop(h, o.reason);
  }
}
