// What an old and a new master say over the IPC channel between them during `portplex upgrade`:
// the old one sends each listening socket (the descriptor rides along), then 'sent'; the new one
// answers 'ready' once its workers are, or 'failed' with why; the old one then says 'released'
// (its admin socket and metrics port are free) and stops.

/** Marks our messages on the channel. */
export const TAG = 'portplex-upgrade';

/** The environment variable that tells a new `portplex` process it takes over from its parent. */
export const TAKE_OVER_ENV = 'PORTPLEX_TAKE_OVER';

/** Sockets passed at most: the configured listeners and those bound on request (256). */
export const MAX_SOCKETS = 4096;

/** Longest error text a failing new master sends back. */
export const MAX_ERROR = 2000;

/** A socket the old master had from systemd: what it is (see config/activated.ts). */
export interface SystemdSocketInfo {
  fd: number;
  name: string | null;
  address: string;
  family: 'IPv4' | 'IPv6';
}

export type UpgradeMessage =
  | { tag: typeof TAG; t: 'socket'; protocol: 'tcp'; host: string | null; port: number; boundPort: number; systemd?: SystemdSocketInfo }
  | { tag: typeof TAG; t: 'sent'; n: number }
  | { tag: typeof TAG; t: 'ready'; pid: number }
  | { tag: typeof TAG; t: 'failed'; error: string; code: string }
  | { tag: typeof TAG; t: 'released' };

const PORT = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;

function systemdInfo(v: unknown): v is SystemdSocketInfo {
  if (v === null || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  return Number.isInteger(s.fd) && (s.fd as number) >= 0 && (s.name === null || (typeof s.name === 'string' && s.name.length <= 255)) &&
    typeof s.address === 'string' && s.address.length <= 64 && (s.family === 'IPv4' || s.family === 'IPv6');
}

/** The message if it is one of ours and well formed, else undefined. */
export function parseUpgradeMessage(m: unknown): UpgradeMessage | undefined {
  if (m === null || typeof m !== 'object') return undefined;
  const o = m as Record<string, unknown>;
  if (o.tag !== TAG) return undefined;
  switch (o.t) {
    case 'socket':
      if (o.protocol !== 'tcp' || !(o.host === null || (typeof o.host === 'string' && o.host.length <= 255)) || !PORT(o.port) || !PORT(o.boundPort)) return undefined;
      if (o.systemd !== undefined && !systemdInfo(o.systemd)) return undefined;
      return o as UpgradeMessage;
    case 'sent':
      return Number.isInteger(o.n) && (o.n as number) >= 0 && (o.n as number) <= MAX_SOCKETS ? o as UpgradeMessage : undefined;
    case 'ready':
      return Number.isInteger(o.pid) ? o as UpgradeMessage : undefined;
    case 'failed':
      return typeof o.error === 'string' && typeof o.code === 'string'
        ? { tag: TAG, t: 'failed', error: o.error.slice(0, MAX_ERROR), code: o.code.slice(0, 100) }
        : undefined;
    case 'released':
      return o as UpgradeMessage;
    default:
      return undefined;
  }
}
