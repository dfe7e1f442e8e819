// Every error portplex raises, with a stable code and the exit status the CLI uses for it.

/** Process exit statuses of the `portplex` command. */
export const EXIT = Object.freeze({
  ok: 0,
  /** An unexpected failure inside portplex itself. */
  internal: 1,
  /** Bad command line or configuration. */
  config: 2,
  /** A listener could not be bound (address in use, permission). */
  listen: 3,
  /** Workers kept crashing right after start. */
  crashLoop: 4,
  /** Shutdown had to kill workers that did not finish within the grace time. */
  forcedStop: 5,
});

/** Base class: `code` is stable and documented, `message` names the input at fault. */
export class PortplexError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode: number = EXIT.internal) {
    super(message);
    this.name = 'PortplexError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A configuration value or command-line option is wrong. */
export class ConfigError extends PortplexError {
  readonly option: string;
  constructor(code: string, option: string, message: string) {
    super(code, `${option}: ${message}`, EXIT.config);
    this.name = 'ConfigError';
    this.option = option;
  }
}

/**
 * Every problem one pass over a configuration found, so that a config with several mistakes is
 * fixed in one round; the first problem gives the code and the option.
 */
export class ConfigErrors extends ConfigError {
  readonly errors: readonly ConfigError[];
  constructor(errors: readonly ConfigError[]) {
    super(errors[0]!.code, errors[0]!.option, '');
    this.name = 'ConfigErrors';
    this.errors = errors;
    this.message = `${errors.length} problems in the configuration:\n${errors.map((e) => `  ${e.message} [${e.code}]`).join('\n')}`;
  }
}

/** Error codes, one table so that tests and docs can enumerate them. */
export const CODES = Object.freeze({
  INVALID_OPTION: 'PORTPLEX_INVALID_OPTION',
  UNKNOWN_OPTION: 'PORTPLEX_UNKNOWN_OPTION',
  INVALID_LISTEN: 'PORTPLEX_INVALID_LISTEN',
  INVALID_PORT: 'PORTPLEX_INVALID_PORT',
  DUPLICATE_LISTENER: 'PORTPLEX_DUPLICATE_LISTENER',
  /** A port in ownPorts (bound by each worker itself) is also a configured listener. */
  OWN_PORT_LISTENED: 'PORTPLEX_OWN_PORT_LISTENED',
  UNKNOWN_ALGORITHM: 'PORTPLEX_UNKNOWN_ALGORITHM',
  WEIGHTS_MISMATCH: 'PORTPLEX_WEIGHTS_MISMATCH',
  SCRIPT_NOT_FOUND: 'PORTPLEX_SCRIPT_NOT_FOUND',
  /** A TypeScript script on a Node that does not strip types, and no loader given to the workers. */
  TYPESCRIPT_UNSUPPORTED: 'PORTPLEX_TYPESCRIPT_UNSUPPORTED',
  UNKNOWN_GROUP: 'PORTPLEX_UNKNOWN_GROUP',
  CONFIG_FILE: 'PORTPLEX_CONFIG_FILE',
  LISTEN_FAILED: 'PORTPLEX_LISTEN_FAILED',
  CRASH_LOOP: 'PORTPLEX_CRASH_LOOP',
  NOT_RUNNING: 'PORTPLEX_NOT_RUNNING',
  /** The admin socket's directory or file could be another user's: a symlink, a wrong owner or mode. */
  UNSAFE_ADMIN_PATH: 'PORTPLEX_UNSAFE_ADMIN_PATH',
  /** The admin socket is there but this user may not connect to it (EACCES, EPERM). */
  PERMISSION_DENIED: 'PORTPLEX_PERMISSION_DENIED',
  /** What answered on the admin socket is not a portplex master's answer. */
  BAD_ANSWER: 'PORTPLEX_BAD_ANSWER',
  UNSUPPORTED_NODE: 'PORTPLEX_UNSUPPORTED_NODE',
  UPGRADE_FAILED: 'PORTPLEX_UPGRADE_FAILED',
  /** LISTEN_FDS or LISTEN_FDNAMES (socket activation) cannot be read. */
  SYSTEMD_ENV: 'PORTPLEX_SYSTEMD_ENV',
  /** A descriptor systemd passed is not a socket portplex can serve (TCP listening, UDP). */
  SYSTEMD_SOCKET: 'PORTPLEX_SYSTEMD_SOCKET',
  /** A `systemd:NAME` listener names no socket systemd passed. */
  SYSTEMD_NAME: 'PORTPLEX_SYSTEMD_NAME',
  /** An app of a PM2 ecosystem file runs in fork mode (or under another interpreter than Node.js). */
  FORK_MODE: 'PORTPLEX_FORK_MODE',
  /** A worker process was told of an event its phase does not allow (workers/process-phase.ts): a fault in portplex. */
  ILLEGAL_TRANSITION: 'PORTPLEX_ILLEGAL_TRANSITION',
});

/** Shorthand for the common case: option + value + what was expected. */
export function invalid(option: string, value: unknown, expected: string, code: string = CODES.INVALID_OPTION): ConfigError {
  return new ConfigError(code, option, `expected ${expected}, got ${show(value)}`);
}

/** Renders a received value for an error message, bounded so a huge input cannot flood a log. */
export function show(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'function' ? 'a function' : JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
