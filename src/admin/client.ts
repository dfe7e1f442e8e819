// Sends one admin request to a running master and returns its answer.
import net from 'node:net';
import { CODES, PortplexError } from '../errors.js';
import type { AdminRequest, AdminResponse } from './protocol.js';

/** Rejects with PORTPLEX_NOT_RUNNING when no master answers on `path`. */
export function adminRequest(path: string, request: AdminRequest, timeoutMs = 10000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    let buf = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new PortplexError(CODES.NOT_RUNNING, `the master on ${path} did not answer within ${timeoutMs} ms`));
    });
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (d: string) => { buf += d; });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? 'no portplex master is running there' : err.message;
      reject(new PortplexError(CODES.NOT_RUNNING, `cannot reach the admin socket ${path}: ${why} (start one, or pass --admin <path>)`));
    });
    socket.on('end', () => {
      let response: AdminResponse;
      if (buf === '') {
        reject(new PortplexError(CODES.NOT_RUNNING, `the master on ${path} closed the connection without answering (did it exit?)`));
        return;
      }
      try {
        response = JSON.parse(buf) as AdminResponse;
      } catch {
        reject(new PortplexError(CODES.NOT_RUNNING, `the admin socket ${path} answered something that is not portplex`));
        return;
      }
      if (response.ok) resolve(response.result);
      else reject(new PortplexError(`PORTPLEX_ADMIN_${response.code}`, response.error, 2));
    });
  });
}
