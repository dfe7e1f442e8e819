// The admin protocol: one JSON request line, one JSON response line, over a Unix socket.

/** Largest request accepted, in bytes: a command is a few dozen. */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** ms a client may take to send its request. */
export const REQUEST_TIMEOUT = 5000;

export interface AdminRequest {
  cmd: string;
  [key: string]: unknown;
}

/**
 * Why a master refused a request: the only codes a response carries (the type holds every
 * response to them). The CLI reports one as PORTPLEX_ADMIN_<code> and exits 2.
 */
export const ADMIN_CODES = Object.freeze(['BAD_REQUEST', 'UNKNOWN_COMMAND', 'TOO_LARGE', 'UNSUPPORTED', 'BUSY', 'UPGRADE_FAILED', 'INTERNAL'] as const);
export type AdminCode = (typeof ADMIN_CODES)[number];

export type AdminResponse = { ok: true; result: unknown } | { ok: false; error: string; code: AdminCode };
