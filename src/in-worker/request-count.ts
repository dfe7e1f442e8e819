// The HTTP requests this process's servers receive, for the master's maxRequests (the count goes
// with each heartbeat answer). Behind a keep-alive proxy a few connections carry every request,
// so only a count of requests tells how much a process has done.
//
// Each kind of server is counted where it announces a request, without changing what it does:
//   http, https   'request'. An upgrade the application takes ('upgrade' listener) is not one.
//   http2 (h2c and TLS)  'stream', one per request. Never a 'request' listener of ours there: the
//                 first one turns on Node's compatibility API (a request and response object
//                 per stream, for an application that may only use streams). Its HTTP/1.1
//                 requests (allowHTTP1) do come as 'request': those are counted once the
//                 application listens for 'request' itself (it must, to answer them), and
//                 only those, the HTTP/2 ones being counted as streams already.
// Nor an 'upgrade' listener: an http server with one hands upgrade requests to it instead of
// answering them as requests.
import type http from 'node:http';
import type net from 'node:net';
import { isHttp1 } from './drain.js';
import { guarded } from './faults.js';
import { isHttp2 } from './http2-sessions.js';

export class RequestCount {
  private count = 0;
  private readonly watched = new WeakSet<net.Server>();

  /** Requests received so far, all servers together. */
  get total(): number {
    return this.count;
  }

  /** Counts the requests of `server` from now on (once, however often it listens). */
  watch(server: net.Server): void {
    if (this.watched.has(server)) return;
    this.watched.add(server);
    if (isHttp1(server)) server.on('request', this.onRequest);
    else if (isHttp2(server)) this.watchHttp2(server);
  }

  private watchHttp2(server: net.Server): void {
    server.on('stream', this.onRequest);
    if (server.listenerCount('request') > 0) {
      server.on('request', this.onHttp1Request);
      return;
    }
    // The counting listeners only add to a number; this one changes listeners, so it is guarded.
    const onNewListener = guarded('request-count', (event: string | symbol): void => {
      if (event !== 'request') return;
      server.removeListener('newListener', onNewListener);
      server.on('request', this.onHttp1Request);
    });
    server.on('newListener', onNewListener);
  }

  private readonly onRequest = (): void => {
    this.count++;
  };

  private readonly onHttp1Request = (req: http.IncomingMessage): void => {
    if (req.httpVersionMajor < 2) this.count++;
  };
}
