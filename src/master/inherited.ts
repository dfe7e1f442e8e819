// Listening sockets a new master inherits from the master it replaces (`portplex upgrade`): each
// address the old master had bound is taken here instead of bound anew, so the socket, and the
// connections waiting in its backlog, never close. Those the old master had from systemd (socket
// activation) are matched as systemd's sockets are (see config/activated.ts), not by address.
import type { ActivatedSocket } from '../config/activated.js';

/** One socket passed by the old master, as it was configured and as it is bound. */
export interface InheritedSocket {
  readonly protocol: 'tcp';
  /** The configured host; undefined: every address. */
  readonly host: string | undefined;
  /** The configured port (0: the system chose `boundPort`). */
  readonly port: number;
  readonly boundPort: number;
  /** The raw libuv handle (a TCP wrap), bound and, in the old master, listening. */
  readonly handle: { close(cb?: () => void): void };
  /** A socket systemd passed the old master (or the master before it): what it is. */
  readonly systemd?: ActivatedSocket;
}

export class InheritedSockets {
  private readonly left: InheritedSocket[] = [];
  private takenCount = 0;

  add(socket: InheritedSocket): void {
    this.left.push(socket);
  }

  /** Sockets a listener took. */
  get taken(): number {
    return this.takenCount;
  }

  /** Sockets not taken yet. */
  get size(): number {
    return this.left.length;
  }

  /** Removes and returns the sockets that came from systemd, in the order systemd passed them. */
  takeActivated(): Array<{ socket: ActivatedSocket; handle: InheritedSocket['handle'] }> {
    const out: Array<{ socket: ActivatedSocket; handle: InheritedSocket['handle'] }> = [];
    for (let i = this.left.length - 1; i >= 0; i--) {
      const s = this.left[i]!;
      if (s.systemd === undefined) continue;
      out.push({ socket: s.systemd, handle: s.handle });
      this.left.splice(i, 1);
    }
    this.takenCount += out.length;
    return out.sort((a, b) => a.socket.fd - b.socket.fd);
  }

  /**
   * The socket for a listener on `host` and `port` (as configured), if the old master had one:
   * the same host and the bound port; a port-0 listener takes the old master's port-0 listeners
   * of its host in their order.
   */
  take(protocol: 'tcp', host: string | undefined, port: number): InheritedSocket['handle'] | undefined {
    const i = this.left.findIndex((s) => s.protocol === protocol && s.host === host && (port === 0 ? s.port === 0 : s.boundPort === port));
    if (i < 0) return undefined;
    this.takenCount++;
    return this.left.splice(i, 1)[0]!.handle;
  }

  /** Closes what no listener took: those addresses close with the old master. */
  closeRest(): void {
    for (const s of this.left.splice(0)) s.handle.close();
  }
}
