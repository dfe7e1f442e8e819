// Where the admin socket lives: a directory only this user can enter, in the runtime directory.
import { chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkAdminDir } from './path-checks.js';

/** $XDG_RUNTIME_DIR/portplex/portplex.sock, else $TMPDIR/portplex-<uid>/portplex.sock. */
export function defaultAdminPath(): string {
  const runtime = process.env.XDG_RUNTIME_DIR;
  const dir = runtime ? join(runtime, 'portplex') : join(tmpdir(), `portplex-${process.geteuid?.() ?? 'user'}`);
  return join(dir, 'portplex.sock');
}

/**
 * The master's side: creates the socket's directory with mode 0700 when it is missing, then
 * checks it as every command does (throws PORTPLEX_UNSAFE_ADMIN_PATH).
 */
export function prepareAdminDir(path: string): void {
  const dir = dirname(path);
  let made: string | undefined;
  try {
    made = mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    // Something that is not a directory is there: the check below says what.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
  }
  // The umask may have taken bits off 0700 (0277 leaves 0500, where no socket can be made).
  if (made !== undefined) chmodSync(dir, 0o700);
  checkAdminDir(path, path === defaultAdminPath());
}
