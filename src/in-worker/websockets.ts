// The WebSockets of this process (those of the `ws` package: ws-upgrades.ts), said goodbye to
// when the worker drains: a close frame with 1001 (going away, RFC 6455 section 7.4.1), so that
// clients reconnect, to a process that stays, at once, instead of being cut at --grace (1006).
// No application code needed; an onDrain() hook runs first, so an application that closes its
// WebSockets there, with a code of its own, keeps that code.
//
// The close handshake waits for the client's close frame; ws waits 30 s for it by default
// (its closeTimeout), longer than a drain should take. A WebSocket still not closed 1 s after
// its 1001 is ended by us with terminate(); its client has had the close frame by then, and
// sees code 1001 when the connection ends.
import { lastCallMs } from './drain.js';
import { caught } from './faults.js';
import { trackWsUpgrades, type WsSocket } from './ws-upgrades.js';

/** WebSocket readyState values (the WHATWG API's, which ws has). */
const OPEN = 1;
const CLOSED = 3;
/** ms a WebSocket gets to answer our close frame before its connection is ended. */
const CLOSE_WAIT_MS = 1000;

export class WebSockets {
  /** Open WebSockets, until their 'close'. */
  private readonly open = new Set<WsSocket>();
  private draining = false;
  /** One shared listener for every WebSocket: `this` is the WebSocket. */
  private readonly forget: (this: WsSocket) => void;
  private readonly closeWait: number;

  constructor(grace: number) {
    const open = this.open;
    this.forget = function (this: WsSocket): void {
      open.delete(this);
    };
    // Ended before the drain's last call, so before --grace even when it is short.
    this.closeWait = Math.min(CLOSE_WAIT_MS, lastCallMs(grace));
  }

  /** How many are open now. */
  get size(): number {
    return this.open.size;
  }

  /** Looks for ws in the application's loaded modules: called as a server starts to be served. */
  watch(): void {
    trackWsUpgrades(this.opened);
  }

  /** The worker drains: every open WebSocket is closed with 1001, and so is any that opens from now on. */
  goingAway(): void {
    if (this.draining) return;
    this.draining = true;
    for (const ws of this.open) this.goodbye(ws);
  }

  // Called by our wrap of ws's handleUpgrade, after the application's callback: an entry point.
  private readonly opened = (ws: WsSocket): void => {
    try {
      if (ws === null || typeof ws !== 'object' || typeof ws.close !== 'function') return;
      if (ws.readyState === CLOSED) return;
      this.open.add(ws);
      ws.on('close', this.forget);
      if (this.draining) this.goodbye(ws);
    } catch (err) {
      caught('websocket', err);
    }
  };

  private goodbye(ws: WsSocket): void {
    // One the application closed itself (CLOSING) keeps its code; its end is bounded all the same.
    if (ws.readyState === OPEN) ws.close(1001, 'going away');
    setTimeout(terminate, this.closeWait, ws).unref();
  }
}

function terminate(ws: WsSocket): void {
  try {
    if (ws.readyState !== CLOSED) ws.terminate();
  } catch (err) {
    caught('websocket', err);
  }
}
