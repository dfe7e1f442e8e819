// Sends one admin request to a running master and returns its answer.
import net from 'node:net';
import { CODES, EXIT, PortplexError } from '../errors.js';
import { checkAdminSocket, notRunning } from './path-checks.js';
import type { AdminRequest } from './protocol.js';
import { defaultAdminPath } from './socket-path.js';

/** A master's refusal code: upper case words; a newer master may know codes this one does not. */
const REFUSAL_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

/**
 * Rejects with PORTPLEX_NOT_RUNNING when no master answers on `path`, PORTPLEX_UNSAFE_ADMIN_PATH
 * when the socket could be another user's, PORTPLEX_PERMISSION_DENIED when this user may not
 * connect, PORTPLEX_BAD_ANSWER when what answers is not a master.
 */
export function adminRequest(path: string, request: AdminRequest, timeoutMs = 10000): Promise<unknown> {
  try {
    checkAdminSocket(path, path === defaultAdminPath());
  } catch (err) {
    return Promise.reject(connectError(path, err as NodeJS.ErrnoException));
  }
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
    socket.on('error', (err: NodeJS.ErrnoException) => reject(connectError(path, err)));
    socket.on('end', () => {
      if (buf === '') {
        reject(new PortplexError(CODES.NOT_RUNNING, `the master on ${path} closed the connection without answering (did it exit?)`));
        return;
      }
      try {
        resolve(answer(path, buf));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** The error for a socket that cannot be checked or reached. */
function connectError(path: string, err: NodeJS.ErrnoException): Error {
  if (err instanceof PortplexError) return err;
  if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') return notRunning(path);
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    return new PortplexError(CODES.PERMISSION_DENIED, `cannot reach the admin socket ${path}: permission denied (${err.code}); run the command as the user of the master (or root)`);
  }
  return new PortplexError(CODES.NOT_RUNNING, `cannot reach the admin socket ${path}: ${err.message} (start a master, or pass --admin <path>)`);
}

/** The master's response line: { ok: true, result } or { ok: false, code, error }, nothing else. */
function answer(path: string, text: string): unknown {
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    throw badAnswer(path, 'it is not JSON');
  }
  if (response === null || typeof response !== 'object' || Array.isArray(response)) throw badAnswer(path, 'it is not an object');
  const r = response as Record<string, unknown>;
  if (r.ok === true) {
    if (!('result' in r)) throw badAnswer(path, 'it has no "result"');
    return r.result;
  }
  if (r.ok !== false) throw badAnswer(path, '"ok" is neither true nor false');
  if (typeof r.code !== 'string' || !REFUSAL_CODE.test(r.code)) throw badAnswer(path, 'a refusal without a code');
  if (typeof r.error !== 'string') throw badAnswer(path, 'a refusal without a message');
  throw new PortplexError(`PORTPLEX_ADMIN_${r.code}`, r.error, EXIT.config);
}

/** What answered is not a portplex master (or one that broke its protocol). */
export function badAnswer(path: string, why: string): PortplexError {
  return new PortplexError(CODES.BAD_ANSWER, `the admin socket ${path} answered something that is not a portplex master's answer: ${why}`);
}
