// The admin protocol: one JSON request line, one JSON response line, over a Unix socket.

/** Largest request accepted, in bytes: a command is a few dozen. */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** ms a client may take to send its request. */
export const REQUEST_TIMEOUT = 5000;

export interface AdminRequest {
  cmd: string;
  [key: string]: unknown;
}

export type AdminResponse = { ok: true; result: unknown } | { ok: false; error: string; code: string };
