// How a worker's servers finish on stop (shutdown, reload, scale-down): no new connections,
// every request already on its way is answered, and a connection ends only where the client
// knows it ends, so that no request it sends is lost.
//
// The keep-alive race: a client may send its next request on an idle keep-alive connection at
// the very moment the server closes it; the request is then in flight, or in the kernel's
// buffer unread, and the client sees a reset (or an EOF) instead of an answer, with no way to
// tell whether the request was processed. No idle time makes closing safe, and a half-close
// (FIN first, read on, as NGINX's lingering close does after a response) only changes how the
// client learns of the loss: a request that arrives after the FIN cannot be answered. What is
// safe is a close the client was told of beforehand. So a draining worker closes nothing idle
// early; each connection ends on its next request:
//   HTTP/1.1  the response carries "Connection: close" (RFC 9112 section 9.6): the client
//             sends nothing more on it, and Node closes it after the response.
//   HTTP/2    a GOAWAY naming that request's stream as the last one (http2-sessions.ts).
// A connection that stays idle ends by the server's own idle timeout, the one it announced
// (HTTP/1 keepAliveTimeout: "Keep-Alive: timeout=5" by default), as it would without a drain;
// what is still idle at the last call, shortly before --grace runs out, is closed then (the
// master kills the process at --grace). This is HAProxy's "idle-close-on-response" soft-stop
// with hard-stop-after, rather than its default (and NGINX's) of closing idle ones at once.
//
// http.Server.close() would close every idle connection at once, including one accepted a
// moment ago whose first request has not been read yet; so servers are closed at the net level.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { caught, guarded } from './faults.js';
import type { Http2Sessions } from './http2-sessions.js';

/** True for the servers whose connections speak HTTP/1 (http, https). */
export function isHttp1(server: net.Server): boolean {
  return server instanceof http.Server || server instanceof https.Server;
}

/**
 * ms after the stop at which connections still idle are closed: a tenth of `grace` before it
 * runs out, at most one second before, so the process ends by itself (and runs its
 * onShutdown hooks) instead of being killed.
 */
export function lastCallMs(grace: number): number {
  return Math.max(0, grace - Math.min(1000, grace / 10));
}

/** Closes `servers`, then calls `done` once each has no connection left. */
export function drainServers(servers: readonly net.Server[], sessions: Http2Sessions, grace: number, done: () => void): void {
  sessions.endAll();
  if (servers.length === 0) {
    done();
    return;
  }
  let open = servers.length;
  // Called by each server's close: an entry point of ours (done() is ours too).
  const closed = guarded('drain', (): void => {
    if (--open > 0) return;
    clearTimeout(lastCall);
    done();
  });
  // HTTP/1 requests (of http and https servers, and of HTTP/2 servers that allow HTTP/1)
  // answered from now on end their connections. An HTTP/2 server with no 'request' listener
  // serves streams only (and no HTTP/1 at all): a 'request' listener would turn its
  // compatibility API on in the middle of the drain.
  for (const s of servers) if (isHttp1(s) || s.listenerCount('request') > 0) s.prependListener('request', lastResponse);
  const lastCall = setTimeout(guarded('drain', () => {
    // Public API: closes the connections with no request in progress (fresh ones included).
    for (const s of servers) if (isHttp1(s)) (s as http.Server).closeIdleConnections();
    sessions.closeAll();
  }), lastCallMs(grace));
  lastCall.unref();
  for (const s of servers) net.Server.prototype.close.call(s, closed);
}

function lastResponse(req: http.IncomingMessage, res: http.ServerResponse): void {
  try {
    // HTTP/2 has no Connection header: its streams end with the session's GOAWAY.
    if (req.httpVersionMajor === 1 && !res.headersSent) res.setHeader('connection', 'close');
  } catch (err) {
    // The request goes on to the application's listeners without the header.
    caught('drain', err);
  }
}
