// An unmodified Node.js UDP responder (DNS-like: one answer per question): run it alone with
// `node examples/udp-echo.js`, or behind portplex with
// `npx portplex -w 2 -l udp:5353 examples/udp-echo.js`.
// Each answer is "<worker id> <pid> <the datagram>", sent back to the asking client.
import dgram from 'node:dgram';

const port = Number(process.env.PORT ?? 5353);
const worker = process.env.PORTPLEX_WORKER_ID ?? '-';
const socket = dgram.createSocket('udp4');

socket.on('message', (msg, rinfo) => {
  socket.send(Buffer.concat([Buffer.from(`${worker} ${process.pid} `), msg]), rinfo.port, rinfo.address);
});
socket.bind(port, () => {
  if (!process.env.PORTPLEX_WORKER_ID) console.log(`udp echo on :${socket.address().port}`);
});
