// Sockets systemd passed (socket activation) as the master holds them: a listener that config
// validation matched to one (ListenerConfig.activated) takes it here instead of binding. systemd
// keeps its own copy of each: closing ours (when this master stops) leaves the socket, and the
// connections queued on it, to the next master.
import type { ActivatedSocket } from '../config/activated.js';
import type { InheritedSocket } from './inherited.js';

/** A listening TCP handle (a TCP wrap), as an upgrade passes them too. */
export type ActivatedHandle = InheritedSocket['handle'];

/** One socket systemd passed: what it is, and how this process holds it. */
export interface ActivatedEntry {
  readonly socket: ActivatedSocket;
  /** TCP: the listening handle, opened on the descriptor (or passed on by the master this one replaces). */
  readonly tcp?: ActivatedHandle;
  /** UDP: the descriptor, opened by the UDP listener (dgram's bind({ fd })). */
  readonly udpFd?: number;
}

export class ActivatedSockets {
  constructor(private readonly entries: readonly ActivatedEntry[]) {}

  /** What each socket is, in fd order: ListenerConfig.activated indexes this list. */
  get sockets(): ActivatedSocket[] {
    return this.entries.map((e) => e.socket);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Socket `i` (ListenerConfig.activated). */
  entry(i: number): ActivatedEntry {
    const e = this.entries[i];
    if (e === undefined) throw new Error(`no socket ${i} among the ${this.entries.length} systemd passed`);
    return e;
  }
}
