// The native TCP handle the master accepts and hands over, never wrapped in a net.Socket here.

/** What the master uses of a libuv TCP handle (tcp_wrap). */
export interface RawHandle {
  getpeername(out: PeerName): number;
  close(callback?: () => void): void;
}

/** Filled in by getpeername. */
export interface PeerName {
  address?: string;
  port?: number;
  family?: string;
}
