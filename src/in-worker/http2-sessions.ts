// The HTTP/2 sessions of the servers a worker serves, and how each ends when the worker drains.
//
// A GOAWAY tells the client the last stream the server took; streams it opened after that are
// refused (REFUSED_STREAM: not processed, safe to retry, RFC 9113 section 8.7), but a client
// that does not retry fails them. RFC 9113 section 6.8 avoids that with a first GOAWAY that
// names the highest possible stream, then a real one a round trip later; Node offers no way to
// send that first one (nghttp2's shutdown notice), and a plain GOAWAY naming 2^31-1 makes
// nghttp2 ignore the client's later streams altogether. So each session gets its GOAWAY when
// its next request arrives, naming that request: a client with one request at a time (or one
// whose requests arrive together) loses none, and streams of a client still opening new ones
// in the same instant are refused, which it may retry. session.close() sends that GOAWAY, lets
// the open streams finish, then closes the connection. An idle session waits for its next
// request, up to the drain's last call.
import http2 from 'node:http2';
import type net from 'node:net';
import { guarded } from './faults.js';

// Node exports neither class; an instance of each gives its constructor.
const Http2Server = Object.getPrototypeOf(http2.createServer()).constructor as abstract new (...args: never[]) => object;
const Http2SecureServer = Object.getPrototypeOf(http2.createSecureServer()).constructor as abstract new (...args: never[]) => object;

/** True for HTTP/2 servers, cleartext (http2.createServer) or TLS (http2.createSecureServer). */
export function isHttp2(server: net.Server): boolean {
  return server instanceof Http2Server || server instanceof Http2SecureServer;
}

export class Http2Sessions {
  private readonly open = new Set<http2.ServerHttp2Session>();
  private ending = false;

  /** Sessions open now. */
  get size(): number {
    return this.open.size;
  }

  /** Keeps the sessions of `server`, when it speaks HTTP/2. */
  watch(server: net.Server): void {
    if (isHttp2(server)) server.on('session', this.onSession);
  }

  /** The worker drains: each session ends after its next request; sessions opened from now on too. */
  endAll(): void {
    if (this.ending) return;
    this.ending = true;
    for (const s of this.open) endOnNextStream(s);
  }

  /** The drain's last call: every session still open gets its GOAWAY now. */
  closeAll(): void {
    for (const s of this.open) if (!s.closed && !s.destroyed) s.close();
  }

  // Listeners of ours on the server's and sessions' events: entry points (faults.ts).
  private readonly onSession = guarded('drain', (session: http2.ServerHttp2Session): void => {
    this.open.add(session);
    session.once('close', () => this.open.delete(session));
    if (this.ending) endOnNextStream(session);
  });
}

function endOnNextStream(session: http2.ServerHttp2Session): void {
  // Synchronously, in the same turn as the stream: nghttp2 names the last stream it took so far.
  session.once('stream', guarded('drain', () => {
    if (!session.closed && !session.destroyed) session.close();
  }));
}
