// The WebSockets of the `ws` package's servers, as they open: its WebSocketServer's
// handleUpgrade(req, socket, head, callback) is what every user of ws calls (ws's own `server`
// option, engine.io under socket.io, @fastify/websocket), and `callback` gets the new WebSocket.
// We wrap it on the prototype, for every copy of ws the application has loaded, the way
// engine-io-ids.ts wraps engine.io. An ESM application's `import 'ws'` (ws's wrapper.mjs) loads
// the same CommonJS build, so the module cache holds it too.
//
// Why this, and not ws's mark on each upgraded socket (a symbol described 'websocket' pointing
// at its WebSocket) read off the sockets delivery.ts holds: for an HTTPS or TLS server those are
// the raw TCP sockets, and the marked one is the TLSSocket wrapped around each, which nothing
// leads to from the raw one. The wrap sees every WebSocket, whatever server it came through, and
// uses only ws's documented API; it costs a closure per upgrade, nothing per other connection.
// What it needs: ws loaded by the time a server listens (where it is looked for). Static imports
// and require() at the top of a module are; a ws imported lazily after listen() is not seen.
// What this relies on of ws (pinned by test/unit/in-worker/ws-upgrades.test.ts with the installed
// version): lib/websocket-server.js exports the class, whose prototype has handleUpgrade, and
// the callback's first argument is the WebSocket (readyState, close(code, reason), terminate()).
import { wrapLoadedClasses } from './loaded-classes.js';

/** What we use of a ws WebSocket: its public API. */
export interface WsSocket {
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'close', listener: (this: WsSocket) => void): unknown;
}

type HandleUpgrade = (this: object, req: unknown, socket: unknown, head: unknown, callback: unknown) => unknown;

const SERVER_MODULE = /[\\/]ws[\\/]lib[\\/]websocket-server\.js$/;
const wrapped = new WeakSet<object>();

/** ws's WebSocketServer class in a loaded module, if that module is ws's websocket-server.js. */
export function wsServerClass(filename: string, exports: unknown): { prototype: object } | undefined {
  if (!SERVER_MODULE.test(filename) || typeof exports !== 'function') return undefined;
  const proto = (exports as { prototype?: { handleUpgrade?: unknown } }).prototype;
  if (typeof proto?.handleUpgrade !== 'function') return undefined;
  return exports as { prototype: object };
}

/**
 * Wraps handleUpgrade of every ws loaded so far (once each), so that `opened` gets each
 * WebSocket right after the application's callback has; returns how many were newly wrapped.
 */
export function trackWsUpgrades(opened: (ws: WsSocket) => void): number {
  return wrapLoadedClasses(wsServerClass, wrapped, (proto) => wrapHandleUpgrade(proto, opened));
}

function wrapHandleUpgrade(proto: object, opened: (ws: WsSocket) => void): void {
  const original = (proto as { handleUpgrade: HandleUpgrade }).handleUpgrade;
  (proto as { handleUpgrade: HandleUpgrade }).handleUpgrade = function handleUpgrade(this: object, req, socket, head, callback) {
    if (typeof callback !== 'function') return original.call(this, req, socket, head, callback);
    return original.call(this, req, socket, head, function upgraded(this: unknown, ...args: unknown[]) {
      // The application's callback first: it sees an open WebSocket even during a drain.
      try {
        return (callback as (...a: unknown[]) => unknown).apply(this, args);
      } finally {
        opened(args[0] as WsSocket);
      }
    });
  };
}
