// An unmodified Node.js HTTP application: run it alone with `node examples/hello.js`,
// or behind portplex with `npx portplex -w 4 examples/hello.js`.
import http from 'node:http';

const port = Number(process.env.PORT ?? 8080);

http
  .createServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`hello from pid ${process.pid} (worker ${process.env.PORTPLEX_WORKER_ID ?? '-'})\n`);
  })
  .listen(port, () => {
    if (!process.env.PORTPLEX_WORKER_ID) console.log(`listening on :${port}`);
  });
