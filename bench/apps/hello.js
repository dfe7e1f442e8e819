// The one application every benchmark setup serves: a hello-world HTTP server on $PORT.
// GET /pid answers the process id, so a client can tell which worker holds its connection.
import http from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const hello = Buffer.from('hello world\n');
const pid = Buffer.from(`${process.pid}\n`);

// BENCH_LEAK_KB: every request keeps that many KB for good, written so that the pages are
// resident: a leak that makes the process's RSS grow with the requests it serves (recycling by
// memory, bench/lifecycle.ts).
const leakBytes = (Number(process.env.BENCH_LEAK_KB) || 0) * 1024;
const leaked = [];

const server = http.createServer((req, res) => {
  if (leakBytes > 0) leaked.push(Buffer.allocUnsafe(leakBytes).fill(7));
  const body = req.url === '/pid' ? pid : hello;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
// Long-lived idle connections are part of the balance workload: keep them open.
server.keepAliveTimeout = 120_000;
// BENCH_REUSEPORT=1: one of several processes, each with its own socket on the port, which the
// kernel picks by a hash of the connection (SO_REUSEPORT; Node 22.12+, ignored before).
server.listen({ port, host: '127.0.0.1', reusePort: process.env.BENCH_REUSEPORT === '1' });
// SIGUSR2: stop listening and leave once the open connections are done (bench/reuseport.ts
// measures what a closing listener loses).
process.on('SIGUSR2', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections?.();
});
// BENCH_SIGINT=close: on SIGINT, close the server and exit once its connections are done, as
// PM2's documentation asks of an application (PM2 stops and reloads a process with SIGINT).
if (process.env.BENCH_SIGINT === 'close') {
  process.on('SIGINT', () => {
    server.close(() => process.exit(0));
  });
}
