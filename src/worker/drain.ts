// How a worker's servers finish on stop: no new connections, every request already on its way
// is answered, and a connection ends only where that loses nothing.
//
// http.Server.close() first destroys every connection with no request in progress
// (closeIdleConnections). That includes a connection accepted a moment ago whose first request
// has not been read yet: its client, which did nothing wrong, sees a reset. So servers are
// closed at the net level, and connections end one by one: one that has answered a request and
// is between requests is closed; one that has not yet sent its first request is served it, with
// "Connection: close"; requests that arrive from now on are answered the same way.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { responding } from '../internals/net-server.js';

/** ms between looks for connections that became idle after answering. */
const SWEEP_MS = 100;

/** True for the servers whose connections drainServers() ends between requests. */
export function isHttp1(server: net.Server): boolean {
  return server instanceof http.Server || server instanceof https.Server;
}

/** Closes `servers`, then calls `done` once each has no connection left; `sockets` are the HTTP/1 ones. */
export function drainServers(servers: readonly net.Server[], sockets: () => Iterable<net.Socket>, done: () => void): void {
  if (servers.length === 0) {
    done();
    return;
  }
  let open = servers.length;
  const closed = (): void => {
    if (--open > 0) return;
    clearInterval(sweep);
    done();
  };
  for (const s of servers) {
    // HTTP/1: later responses end their connections (HTTP/2 has no Connection header).
    if (isHttp1(s)) s.prependListener('request', lastResponse);
  }
  const sweep = setInterval(() => {
    for (const socket of sockets()) if (socket.bytesWritten > 0 && !responding(socket)) socket.destroy();
  }, SWEEP_MS);
  sweep.unref();
  for (const s of servers) net.Server.prototype.close.call(s, closed);
}

function lastResponse(_req: http.IncomingMessage, res: http.ServerResponse): void {
  if (!res.headersSent) res.setHeader('connection', 'close');
}
