// Where the admin socket lives: a directory only this user can enter, in the runtime directory.
import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** $XDG_RUNTIME_DIR/portplex/portplex.sock, else $TMPDIR/portplex-<uid>/portplex.sock. */
export function defaultAdminPath(): string {
  const runtime = process.env.XDG_RUNTIME_DIR;
  const dir = runtime ? join(runtime, 'portplex') : join(tmpdir(), `portplex-${process.getuid?.() ?? 'user'}`);
  return join(dir, 'portplex.sock');
}

/** Creates the socket's directory with mode 0700 (the socket itself gets 0600). */
export function ensureAdminDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new Error(`admin socket directory ${dir} belongs to another user`);
  }
}
