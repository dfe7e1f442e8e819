// The one application every benchmark setup serves: a hello-world HTTP server on $PORT.
// GET /pid answers the process id, so a client can tell which worker holds its connection.
import http from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const hello = Buffer.from('hello world\n');
const pid = Buffer.from(`${process.pid}\n`);

const server = http.createServer((req, res) => {
  const body = req.url === '/pid' ? pid : hello;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
// Long-lived idle connections are part of the balance workload: keep them open.
server.keepAliveTimeout = 120_000;
server.listen(port, '127.0.0.1');
