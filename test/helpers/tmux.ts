// A real terminal for tests: a tmux server of the test's own (its own socket name, no config
// file), one pane of a given size running a shell command. Killed with its server in `kill`.
import { execFile } from 'node:child_process';

export interface Pane {
  /** The pane's text; with `colour`, with the SGR sequences tmux keeps for its cells (capture-pane -e). */
  capture(colour?: boolean): Promise<string>;
  /** tmux send-keys: key names (Up, Down, C-c) or literal text. */
  send(...keys: string[]): Promise<void>;
  /** A tmux format of the pane, e.g. '#{alternate_on} #{cursor_flag}'. */
  display(format: string): Promise<string>;
  /** Polls the pane's text every 50 ms until `predicate` holds; fails naming `what` with the last text. */
  waitFor(what: string, predicate: (text: string) => boolean, ms?: number): Promise<string>;
  kill(): Promise<void>;
}

function tmux(socket: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('tmux', ['-L', socket, '-f', '/dev/null', ...args], { timeout: 10000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tmux ${args.join(' ')}: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Starts `command` (run by sh) in a detached pane of `columns` x `rows`, on the tmux socket `socket`. */
export async function startPane(socket: string, columns: number, rows: number, command: string): Promise<Pane> {
  await tmux(socket, ['new-session', '-d', '-s', 'test', '-x', String(columns), '-y', String(rows), command]);
  // The pane keeps its size when no client is attached.
  await tmux(socket, ['set-option', '-t', 'test', 'window-size', 'manual']);
  const pane: Pane = {
    capture: (colour = false) => tmux(socket, ['capture-pane', '-p', ...(colour ? ['-e'] : []), '-t', 'test']),
    send: async (...keys) => {
      await tmux(socket, ['send-keys', '-t', 'test', ...keys]);
    },
    display: async (format) => (await tmux(socket, ['display-message', '-p', '-t', 'test', format])).trim(),
    waitFor: async (what, predicate, ms = 20000) => {
      const end = Date.now() + ms;
      for (;;) {
        const text = await pane.capture();
        if (predicate(text)) return text;
        if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}; the pane shows:\n${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill: async () => {
      await tmux(socket, ['kill-server']).catch(() => {});
    },
  };
  return pane;
}

/** A tmux socket name no other test uses. */
export function tmuxSocket(name: string): string {
  return `portplex-${name}-${process.pid}-${Date.now()}`;
}
