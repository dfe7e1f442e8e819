// An application whose requests cost unevenly, as real ones do: GET /?cost=N burns N ms of CPU
// synchronously before it answers (a big JSON parse, a template render); GET / answers at once.
// The uneven-work and blocked-worker workloads are measured against it.
import http from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const hello = Buffer.from('hello world\n');

const server = http.createServer((req, res) => {
  const q = req.url.indexOf('?cost=');
  if (q >= 0) {
    const end = performance.now() + Number(req.url.slice(q + 6));
    while (performance.now() < end);
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': hello.length });
  res.end(hello);
});
server.keepAliveTimeout = 120_000;
// BENCH_REUSEPORT=1: one of several processes, each with its own socket on the port, which the
// kernel picks by a hash of the connection (SO_REUSEPORT; Node 22.12+, ignored before).
server.listen({ port, host: '127.0.0.1', reusePort: process.env.BENCH_REUSEPORT === '1' });
