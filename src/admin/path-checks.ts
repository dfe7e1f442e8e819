// Is the admin socket ours? The checks the master makes before it binds and every command makes
// before it connects, so that no other user can plant a directory, a symlink or a socket there.
//
// Why the owner of the file is enough: Node does not expose SO_PEERCRED, so a client cannot ask
// who listens on the other end. It can know who made the file: only the owner of a socket file's
// directory (and root) can add, rename or remove names in a directory nobody else may write,
// and in a sticky one (as /tmp) nobody but a name's owner can remove or rename it. So a socket
// owned by us, in such a directory that we (or root) own, is still ours when connect() looks the
// path up a moment later, and only a process of ours (or root) can have bound it.
import { lstatSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { CODES, EXIT, PortplexError } from '../errors.js';

const S_ISVTX = 0o1000;

function euid(): number {
  return process.geteuid?.() ?? -1;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

function unsafe(message: string): PortplexError {
  return new PortplexError(CODES.UNSAFE_ADMIN_PATH, message, EXIT.config);
}

/** The advice for a default directory that is not ours to use. */
const ELSEWHERE = 'set XDG_RUNTIME_DIR to a directory of your own, or give --admin <path> in one';

/**
 * The socket's directory. The default one (`strict`) must be a real directory of this user with
 * mode 0700. One the user named with --admin may be any directory (symlinks followed) that no
 * other user can write, or a sticky one (as /tmp), owned by this user or root; `socketOwner`
 * is also accepted as owner when this user is root (a service's runtime directory).
 * Throws PORTPLEX_UNSAFE_ADMIN_PATH, or the fs error (ENOENT) when it is missing.
 */
export function checkAdminDir(path: string, strict: boolean, socketOwner?: number): Stats {
  const dir = dirname(path);
  const me = euid();
  if (strict) {
    const st = lstatSync(dir);
    const what = `the admin socket directory ${dir}`;
    if (st.isSymbolicLink()) throw unsafe(`${what} is a symbolic link: it must be a directory of your own; remove the link (rm ${dir}) and start again, or ${ELSEWHERE}`);
    if (!st.isDirectory()) throw unsafe(`${what} is not a directory; remove it and start again, or ${ELSEWHERE}`);
    if (st.uid !== me) throw unsafe(`${what} belongs to uid ${st.uid}, not to you (uid ${me}): another user may have made it; remove it (rm -r ${dir}) and start again, or ${ELSEWHERE}`);
    if ((st.mode & 0o777) !== 0o700) throw unsafe(`${what} has mode ${octal(st.mode)}, not 0700: other users could reach the socket; chmod 700 ${dir}, or remove it and start again`);
    return st;
  }
  const st = statSync(dir);
  const what = `the directory ${dir} of --admin ${path}`;
  if (!st.isDirectory()) throw unsafe(`${what} is not a directory; give --admin a path in a directory`);
  if ((st.mode & 0o022) !== 0 && (st.mode & S_ISVTX) === 0) {
    throw unsafe(`${what} has mode ${octal(st.mode)}: other users can replace the socket in it; give --admin a path in a directory only you can write (chmod go-w ${dir})`);
  }
  const trusted = st.uid === me || st.uid === 0 || (me === 0 && socketOwner !== undefined && st.uid === socketOwner);
  if (!trusted) throw unsafe(`${what} belongs to uid ${st.uid}: its owner can replace the socket in it; give --admin a path in a directory of your own`);
  return st;
}

/**
 * A command's side, before it connects: the directory as above, then the socket file itself
 * (not followed if a symlink): a socket, with no group or other permission bits, owned by this
 * user, or, when this user is root and named the path, by the owner of its directory (the
 * socket of a service that runs as a user of its own, in the directory systemd made for it).
 * Throws PORTPLEX_NOT_RUNNING when nothing is there.
 */
export function checkAdminSocket(path: string, strict: boolean): void {
  let sock: Stats | undefined;
  try {
    sock = lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
  }
  let dir: Stats;
  try {
    // The default directory is checked even when empty: a planted one is said at once.
    if (sock === undefined && !strict) throw notRunning(path);
    dir = checkAdminDir(path, strict, sock?.uid);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notRunning(path);
    throw err;
  }
  if (sock === undefined) throw notRunning(path);
  const me = euid();
  const what = `the admin socket ${path}`;
  if (sock.isSymbolicLink()) throw unsafe(`${what} is a symbolic link; a master makes a socket there itself: remove the link`);
  if (!sock.isSocket()) throw unsafe(`${what} is not a socket; check --admin, or remove the file and restart the master`);
  const owned = sock.uid === me || (me === 0 && !strict && sock.uid === dir.uid);
  if (!owned) throw unsafe(`${what} belongs to uid ${sock.uid}, not to you (uid ${me}): another user may have made it; portplex does not talk to it. Remove it, or run the command as the user of the master`);
  if ((sock.mode & 0o077) !== 0) throw unsafe(`${what} has mode ${octal(sock.mode)}, not 0600: other users could talk to the master; restart the master (it makes the socket 0600)`);
}

/** Nothing at `path`: no master runs there. */
export function notRunning(path: string): PortplexError {
  return new PortplexError(CODES.NOT_RUNNING, `cannot reach the admin socket ${path}: no portplex master is running there (start one, or pass --admin <path>)`);
}
