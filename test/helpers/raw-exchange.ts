// One raw exchange with a TCP server: for endpoints whose bytes on the wire are the test's subject.
import net from 'node:net';

/** Sends `text` on a fresh connection to 127.0.0.1:port and returns everything the server sent until it closed. */
export function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => { out += d; });
    // A server that answers and closes before reading all of it resets the connection: the answer is still what it sent.
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? resolve(out) : reject(err)));
    socket.on('close', () => resolve(out));
  });
}
