// Socket activation: the sockets systemd passed this process (LISTEN_FDS), each found to be a TCP
// listening socket or a UDP socket with its address, so that config validation can match them to
// listeners and the master can take them instead of binding. Anything else is refused, naming the
// descriptor. A master started by `portplex upgrade` gets them from the old master instead.
import { fstatSync } from 'node:fs';
import { constants } from 'node:os';
import type { ActivatedSocket } from '../config/activated.js';
import { CODES, EXIT, PortplexError } from '../errors.js';
import { handleForFd } from '../internals/tcp-handle.js';
import { ActivatedSockets, type ActivatedEntry } from '../master/activated.js';
import type { InheritedSockets } from '../master/inherited.js';
import { takeListenFds } from './listen-fds.js';
import { udpSocket, type TableReader } from './proc-net.js';

const WHAT_WE_TAKE = 'portplex takes TCP sockets (ListenStream= with a port) and UDP sockets (ListenDatagram= with a port)';

function refused(fd: number, name: string | undefined, what: string): PortplexError {
  const which = name === undefined ? `fd ${fd}` : `fd ${fd} (${JSON.stringify(name)})`;
  return new PortplexError(CODES.SYSTEMD_SOCKET, `${which}, passed by systemd, ${what}`, EXIT.listen);
}

/**
 * What descriptor `fd` is: a TCP socket (its handle opened, as net.Server.listen({ fd }) opens
 * one) or a UDP socket (left for the UDP listener to open). Throws PORTPLEX_SYSTEMD_SOCKET for
 * anything else.
 */
export function probeFd(fd: number, name: string | undefined, tables?: TableReader): ActivatedEntry {
  let inode: number;
  try {
    const st = fstatSync(fd);
    if (!st.isSocket()) throw refused(fd, name, `is not a socket but ${st.isFIFO() ? 'a pipe' : st.isFile() ? 'a file' : st.isCharacterDevice() ? 'a character device' : 'another kind of file'}; ${WHAT_WE_TAKE}`);
    inode = st.ino;
  } catch (err) {
    if (err instanceof PortplexError) throw err;
    throw refused(fd, name, `is not open in this process (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const handle = handleForFd(fd);
  if (typeof handle !== 'number') {
    const local: Record<string, unknown> = {};
    if (typeof handle.getsockname !== 'function' || handle.getsockname(local) !== 0) {
      throw refused(fd, name, `is a Unix stream socket (ListenStream= with a path); ${WHAT_WE_TAKE}`);
    }
    const peer = {};
    if (typeof handle.getpeername === 'function' && handle.getpeername(peer) === 0) {
      throw refused(fd, name, 'is a connected TCP socket, not a listening one: the .socket unit must not have Accept=yes');
    }
    const socket: ActivatedSocket = {
      protocol: 'tcp', address: String(local.address), port: Number(local.port), family: local.family === 'IPv6' ? 'IPv6' : 'IPv4', name, fd,
    };
    return { socket, tcp: handle };
  }
  if (handle !== -constants.errno.EINVAL) throw refused(fd, name, `cannot be opened (errno ${handle})`);
  const udp = udpSocket(inode, tables);
  if (udp === undefined) {
    throw refused(fd, name, `is a socket portplex cannot serve, neither TCP nor UDP (a Unix datagram or sequential-packet socket?); ${WHAT_WE_TAKE}`);
  }
  if (udp.connected) throw refused(fd, name, 'is a connected UDP socket: it can only talk to one peer');
  return { socket: { protocol: 'udp', address: udp.address, port: udp.port, family: udp.family, name, fd }, udpFd: fd };
}

/** The activated sockets of a starting master, and a LISTEN_* it ignored (not for this process), to say once. */
export interface Activation {
  readonly sockets: ActivatedSockets | undefined;
  readonly ignored: string | undefined;
}

/**
 * The sockets systemd passed this master: from LISTEN_FDS (read once and removed from the
 * environment, whatever it says), or, in a master started by `portplex upgrade`, those the old
 * master had from systemd (`inherited`).
 */
export function takeActivation(inherited: InheritedSockets | undefined, env: Record<string, string | undefined> = process.env, pid = process.pid): Activation {
  const passed = takeListenFds(env, pid);
  if (inherited !== undefined) {
    const entries = inherited.takeActivated().map((s): ActivatedEntry => ({ socket: s.socket, tcp: s.handle }));
    return { sockets: entries.length > 0 ? new ActivatedSockets(entries) : undefined, ignored: passed.ignored };
  }
  if (passed.fds.length === 0) return { sockets: undefined, ignored: passed.ignored };
  return { sockets: new ActivatedSockets(passed.fds.map(({ fd, name }) => probeFd(fd, name))), ignored: undefined };
}

