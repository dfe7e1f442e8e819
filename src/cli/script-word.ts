// `portplex logs`, `portplex stop`, `portplex ls`: commands of other process managers (PM2's) that
// portplex does not have reach it as the name of a script. When no such file exists, the error
// says what portplex does instead, rather than that a file called "logs" is missing.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CODES, ConfigError } from '../errors.js';

/** portplex's own commands, for the message about a word that is neither a file nor one of them. */
const COMMANDS = 'status, top, connections, events, drain, undrain, weight, scale, reload, upgrade';

const STOP = 'the master runs in the foreground: stop it with Ctrl-C or SIGTERM (kill <master pid>; under systemd, systemctl stop), and it drains its workers';

/** What to use instead of another process manager's command. */
const INSTEAD: Readonly<Record<string, string>> = {
  logs: 'the workers write to the master\'s stdout and stderr (with --log-prefix, each line marked with its worker): read the master\'s output, or under systemd journalctl -u <unit>, under Kubernetes kubectl logs <pod>',
  stop: STOP,
  kill: STOP,
  delete: STOP,
  ls: 'use portplex status (workers, their state, connections, CPU and memory)',
  list: 'use portplex status (workers, their state, connections, CPU and memory)',
  monit: 'use portplex top (a live view of the workers and recent events), portplex status, or --metrics for Prometheus',
  restart: 'use portplex reload (a rolling restart of the workers, or SIGHUP to the master) or portplex upgrade (a new master)',
  start: 'the master runs in the foreground: portplex [options] <script>, e.g. portplex -w 4 app.js; to keep it running use systemd or your platform',
};

/** Script extensions Node runs (some only with type stripping), tried for a bare word: `portplex app` for app.js. */
const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

/**
 * The error for a script argument that is a bare word (no extension, no "/") and no file under
 * `cwd`, or undefined when it is a file or looks like a path (the config check reports those).
 */
export function scriptWordError(script: string, cwd: string = process.cwd()): ConfigError | undefined {
  if (!/^[A-Za-z][\w-]*$/.test(script) || isFile(resolve(cwd, script))) return undefined;
  const instead = INSTEAD[script.toLowerCase()];
  if (instead !== undefined) return new ConfigError(CODES.SCRIPT_NOT_FOUND, 'script', `"${script}" is not a portplex command and no such file: ${instead}`);
  const file = EXTENSIONS.map((e) => script + e).find((f) => isFile(resolve(cwd, f)));
  if (file !== undefined) return new ConfigError(CODES.SCRIPT_NOT_FOUND, 'script', `no such file: "${script}"; did you mean ${file}?`);
  return new ConfigError(CODES.SCRIPT_NOT_FOUND, 'script', `"${script}" is neither a file nor a portplex command (${COMMANDS}); usage: portplex [options] <script> [args...]`);
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
