// The master's control endpoint: a Unix socket, mode 0600, one JSON request per connection.
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { CODES, EXIT, PortplexError } from '../errors.js';
import type { Master } from '../master/master.js';
import { AdminError, connections, events, scale, status, weight, type AdminLog } from './commands.js';
import { MAX_REQUEST_BYTES, REQUEST_TIMEOUT, type AdminResponse } from './protocol.js';
import { prepareAdminDir } from './socket-path.js';

type Handler = (master: Master, request: Record<string, unknown>, hooks: AdminHooks) => unknown;

/** What the process that runs the master does for commands beyond the master itself. */
export interface AdminHooks {
  /** `portplex upgrade`: a new master takes over this one's sockets; throws AdminError when it cannot. */
  upgrade?: () => Promise<unknown>;
  /** The master's log: a change an operator made here is said there too (one line each). */
  log?: (line: string) => void;
}

const HANDLERS: Record<string, Handler> = {
  status: (m) => status(m),
  connections: (m, r) => connections(m, r),
  events: (m, r) => events(m, r),
  reload: (m) => m.reload(),
  scale: (m, r, hooks) => scale(m, r, said(m, hooks)),
  drain: (m, r, hooks) => weight(m, r, said(m, hooks)),
  undrain: (m, r, hooks) => weight(m, r, said(m, hooks)),
  weight: (m, r, hooks) => weight(m, r, said(m, hooks)),
  upgrade: (_m, _r, hooks) => {
    if (!hooks.upgrade) throw new AdminError('UNSUPPORTED', 'this master was not started by the portplex command: it cannot start its successor');
    return hooks.upgrade();
  },
};

/** A change made here: an event of the master's, and the same line in its log. */
function said(master: Master, hooks: AdminHooks): AdminLog {
  return (line, kind, about) => {
    master.recordEvent(kind, line, about);
    hooks.log?.(line);
  };
}

/** A running admin endpoint. */
export interface AdminServer {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Listens on `path` (its directory made 0700 and checked, the socket 0600); refuses if another
 * master owns it, and throws PORTPLEX_UNSAFE_ADMIN_PATH when the place could be another user's.
 */
export async function startAdminServer(master: Master, path: string, hooks: AdminHooks = {}): Promise<AdminServer> {
  prepareAdminDir(path);
  const server = net.createServer((socket) => serve(master, socket, hooks));
  try {
    // Bind first: a file there is removed only after a bind failed on it and nobody answers
    // there, so two masters starting at once never unlink each other's live socket.
    if (!(await listenOn(server, path))) {
      await removeStaleSocket(path);
      if (!(await listenOn(server, path))) throw new Error(`the admin socket ${path} was taken while this master started`);
    }
    chmodSync(path, 0o600);
  } catch (err) {
    // A server left listening after a failed step would keep the process alive after its stop.
    server.close();
    throw err;
  }
  server.unref();
  return {
    path,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function serve(master: Master, socket: net.Socket, hooks: AdminHooks): void {
  let buf = '';
  socket.setEncoding('utf8');
  socket.setTimeout(REQUEST_TIMEOUT, () => socket.destroy());
  socket.on('error', () => {});
  const onData = (chunk: string): void => {
    buf += chunk;
    const nl = buf.indexOf('\n');
    if (nl < 0) {
      if (buf.length > MAX_REQUEST_BYTES) reply(socket, { ok: false, code: 'TOO_LARGE', error: `request larger than ${MAX_REQUEST_BYTES} bytes` });
      return;
    }
    socket.off('data', onData);
    // A reload takes as long as the workers need to start: no idle timeout while it runs.
    socket.setTimeout(0);
    void handle(master, buf.slice(0, nl), hooks).then((response) => reply(socket, response));
  };
  socket.on('data', onData);
}

async function handle(master: Master, line: string, hooks: AdminHooks): Promise<AdminResponse> {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch {
    return { ok: false, code: 'BAD_REQUEST', error: 'request is not JSON' };
  }
  if (request === null || typeof request !== 'object' || typeof (request as { cmd?: unknown }).cmd !== 'string') {
    return { ok: false, code: 'BAD_REQUEST', error: 'request needs a "cmd" string' };
  }
  const r = request as Record<string, unknown>;
  const handler = Object.hasOwn(HANDLERS, r.cmd as string) ? HANDLERS[r.cmd as string] : undefined;
  if (!handler) return { ok: false, code: 'UNKNOWN_COMMAND', error: `unknown command ${JSON.stringify(r.cmd)}; known: ${Object.keys(HANDLERS).join(', ')}` };
  try {
    return { ok: true, result: await handler(master, r, hooks) };
  } catch (err) {
    if (err instanceof AdminError) return { ok: false, code: err.code, error: err.message };
    return { ok: false, code: 'INTERNAL', error: (err as Error).message };
  }
}

function reply(socket: net.Socket, response: AdminResponse): void {
  socket.end(`${JSON.stringify(response)}\n`);
}

/** Listens on `path`: true once listening, false when something is there already (EADDRINUSE). */
function listenOn(server: net.Server, path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') resolve(false);
      else reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(path);
  });
}

/** Removes a socket file nobody answers on; never a file that is not a socket of ours. */
async function removeStaleSocket(path: string): Promise<void> {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st !== undefined && !st.isSocket()) {
    throw new PortplexError(CODES.UNSAFE_ADMIN_PATH, `the admin socket ${path} is taken by something that is not a socket; remove it, or give --admin another path`, EXIT.config);
  }
  const me = process.geteuid?.();
  if (st !== undefined && me !== undefined && st.uid !== me) {
    throw new PortplexError(CODES.UNSAFE_ADMIN_PATH, `the admin socket ${path} belongs to uid ${st.uid}, not to this master's user (uid ${me}); remove it, or give --admin another path`, EXIT.config);
  }
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    probe.once('connect', () => { probe.destroy(); resolve(true); });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`another portplex master is using the admin socket ${path}; give this one its own with --admin <path>`);
  try {
    unlinkSync(path);
  } catch {
    // Nothing there.
  }
}
