// sd_listen_fds_with_names(3) in portplex: which descriptors systemd passed this process (socket
// activation), from LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES. They are read once, at start, and
// removed from the environment, so that no worker and no upgrade's new master takes them for its
// own: a LISTEN_PID names one process only.
import { CODES, EXIT, PortplexError, show } from '../errors.js';

/** The first descriptor systemd passes (SD_LISTEN_FDS_START). */
export const LISTEN_FDS_START = 3;

/** Descriptors taken at most: each becomes a listener. */
export const MAX_LISTEN_FDS = 1024;

export const LISTEN_VARIABLES = ['LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES'] as const;

export interface ListenFds {
  /** The descriptors passed (3, 4, ...), each with its FileDescriptorName= if systemd gave one. */
  readonly fds: ReadonlyArray<{ readonly fd: number; readonly name: string | undefined }>;
  /** Set when LISTEN_* were there but not for this process: why they were ignored, to say once. */
  readonly ignored: string | undefined;
}

const NONE: ListenFds = Object.freeze({ fds: Object.freeze([]), ignored: undefined });

function envError(message: string): PortplexError {
  return new PortplexError(CODES.SYSTEMD_ENV, message, EXIT.config);
}

/**
 * What LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES in `env` pass to process `pid`, as
 * sd_listen_fds_with_names() reads them: nothing unless LISTEN_PID is `pid`. Throws
 * PORTPLEX_SYSTEMD_ENV when they are for this process and cannot be read.
 */
export function parseListenFds(env: Readonly<Record<string, string | undefined>>, pid: number): ListenFds {
  const listenPid = env.LISTEN_PID;
  const count = env.LISTEN_FDS;
  if (listenPid === undefined) {
    return count === undefined ? NONE : { fds: [], ignored: `LISTEN_FDS=${show(count)} is set without LISTEN_PID, so it is not for this process (pid ${pid}); ignored` };
  }
  if (!/^[1-9][0-9]{0,9}$/.test(listenPid) || Number(listenPid) !== pid) {
    return { fds: [], ignored: `LISTEN_PID=${show(listenPid)} is not this process (pid ${pid}): the sockets in LISTEN_FDS are another process's; ignored` };
  }
  if (count === undefined) return NONE;
  if (!/^[0-9]{1,10}$/.test(count) || Number(count) < 1) {
    throw envError(`LISTEN_FDS: expected the number of sockets passed (1 or more), got ${show(count)}`);
  }
  const n = Number(count);
  if (n > MAX_LISTEN_FDS) throw envError(`LISTEN_FDS: ${n} sockets passed; portplex takes ${MAX_LISTEN_FDS} at most`);
  const names = env.LISTEN_FDNAMES?.split(':');
  if (names !== undefined && names.length !== n) {
    throw envError(`LISTEN_FDNAMES: ${names.length} name(s) (${show(env.LISTEN_FDNAMES)}) for LISTEN_FDS=${n} socket(s); systemd gives one name per socket`);
  }
  const fds = Array.from({ length: n }, (_, i) => ({ fd: LISTEN_FDS_START + i, name: names?.[i] || undefined }));
  return { fds, ignored: undefined };
}

/** parseListenFds(), then removes the three variables from `env` (whether they were for this process or not). */
export function takeListenFds(env: Record<string, string | undefined> = process.env, pid: number = process.pid): ListenFds {
  try {
    return parseListenFds(env, pid);
  } finally {
    for (const v of LISTEN_VARIABLES) delete env[v];
  }
}
