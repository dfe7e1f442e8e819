// The first read of a connection whose client speaks first (HTTP, HTTPS, HTTP/2, TLS), done here
// on the raw handle before the application's server sees it. The master keeps its copy of a
// connection we took until we say we have read from it: should this process die before then,
// another worker serves the connection whole. So the word leaves before the bytes reach the
// application, and the bytes go to the server with the connection, as pre-read bytes do.
//
// A server whose client may wait for the server to speak (a plain net.Server) is given its
// connections at once: the application may write first, and what it wrote is a start too.
import type net from 'node:net';
import tls from 'node:tls';
import type { Peer } from '../internals/net-server.js';
import { readRaw, type RawHandle } from '../internals/tcp-handle.js';
import type { ClusterHandle } from './cluster-handle.js';
import { caught, guarded } from './faults.js';
import { isHttp1 } from './drain.js';
import { isHttp2 } from './http2-sessions.js';

/** A client that says nothing for this long is given to the server anyway, whose own timeouts then apply. */
export const FIRST_READ_WAIT_MS = 5000;

/**
 * A rescued connection (its worker died before saying it had read from it) that says nothing
 * for this long is closed. Its client's bytes may have been read by the worker that died, in the
 * moment between that read and the word of it leaving: then nothing more comes, and given to a
 * server it would wait for a request forever while its client waits for the answer. Closed, the
 * client learns at once that its request failed. A request still in the kernel's buffer is read
 * within a turn of the loop, so this only ever closes a connection that had nothing to read.
 */
export const RESCUED_SILENCE_MS = 1000;

/** How often waiting connections are looked at. */
const SWEEP_MS = 250;

/** True for servers whose clients always send first: their connections are read here first. */
export function clientSpeaksFirst(server: net.Server): boolean {
  return isHttp1(server) || server instanceof tls.Server || isHttp2(server);
}

/** What the first read leads to, told by id. */
export interface FirstReadEvents {
  /** The client sent `data`: report it to the master, then give the connection to the server with it. */
  read(target: ClusterHandle, handle: RawHandle, id: number, data: Buffer, peer: Peer | undefined): void;
  /** The client ended without a byte (eof), or nothing came for FIRST_READ_WAIT_MS, or we stop: give it on as it is. */
  giveOn(target: ClusterHandle, handle: RawHandle, id: number, eof: boolean, peer: Peer | undefined): void;
  /** The connection was reset before a byte came: it is closed here. */
  reset(id: number): void;
  /** A rescued connection said nothing for RESCUED_SILENCE_MS: it is closed here. */
  silent(id: number): void;
}

interface Waiting {
  readonly target: ClusterHandle;
  readonly handle: RawHandle;
  readonly peer: Peer | undefined;
  /** ms timestamp after which it is given on, or, rescued, closed. */
  readonly until: number;
  readonly rescued: boolean;
  stop: () => void;
}

export class FirstRead {
  private readonly waiting = new Map<number, Waiting>();
  private sweep: NodeJS.Timeout | undefined;

  constructor(private readonly events: FirstReadEvents) {}

  /** Connections being read, not yet given to their server. */
  ids(): IterableIterator<number> {
    return this.waiting.keys();
  }

  /**
   * Reads connection `id` before its server does; false when it cannot be read (the caller gives
   * it on at once). `rescued`: a dead worker had taken it (see RESCUED_SILENCE_MS).
   */
  wait(target: ClusterHandle, handle: RawHandle, id: number, peer: Peer | undefined, rescued = false): boolean {
    // libuv calls these on its own: each is an entry point of ours (faults.ts).
    const stop = readRaw(
      handle,
      (chunk) => {
        try {
          const w = this.take(id);
          if (w !== undefined) this.events.read(w.target, w.handle, id, chunk, w.peer);
        } catch (err) {
          caught('first-read', err);
          this.lose(id);
        }
      },
      (eof) => {
        try {
          const w = this.take(id);
          if (w === undefined) return;
          if (eof) this.events.giveOn(w.target, w.handle, id, true, w.peer);
          else {
            w.handle.close();
            this.events.reset(id);
          }
        } catch (err) {
          caught('first-read', err);
          this.lose(id);
        }
      },
    );
    if (stop === false) return false;
    this.waiting.set(id, { target, handle, peer, until: Date.now() + (rescued ? RESCUED_SILENCE_MS : FIRST_READ_WAIT_MS), rescued, stop });
    this.sweep ??= setInterval(this.onSweep, SWEEP_MS).unref();
    return true;
  }

  /** Gives every waiting connection on (the process stops: its servers drain them). */
  giveAllOn(): void {
    for (const id of [...this.waiting.keys()]) this.giveOn(id);
  }

  private giveOn(id: number): void {
    const w = this.take(id);
    if (w !== undefined) this.events.giveOn(w.target, w.handle, id, false, w.peer);
  }

  /** After a fault: a connection still waiting is closed, its close reported (never left waiting unread). */
  private lose(id: number): void {
    try {
      const w = this.waiting.get(id);
      if (w === undefined) return;
      this.waiting.delete(id);
      w.handle.close();
      this.events.reset(id);
    } catch (err) {
      caught('first-read', err);
    }
  }

  private take(id: number): Waiting | undefined {
    const w = this.waiting.get(id);
    if (w === undefined) return undefined;
    // Stopped before it leaves the map: if the stop throws, the fault's lose() still finds it.
    w.stop();
    this.waiting.delete(id);
    if (this.waiting.size === 0 && this.sweep !== undefined) {
      clearInterval(this.sweep);
      this.sweep = undefined;
    }
    return w;
  }

  // A timer of ours: an entry point. A fault stops this sweep; the next one goes on with the rest.
  private readonly onSweep = guarded('first-read', (): void => {
    const now = Date.now();
    for (const [id, w] of this.waiting) {
      if (w.until > now) continue;
      if (!w.rescued) {
        this.giveOn(id);
        continue;
      }
      this.take(id);
      w.handle.close();
      this.events.silent(id);
    }
  });
}
