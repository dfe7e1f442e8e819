// Sticky sessions, the worker's side: each session key the application creates goes to the
// master before the client can learn it, so the master knows where the session lives when the
// client's next connection arrives (master/sessions.ts). Nothing for the application to do:
//   engine.io (socket.io) sids   its id generator is wrapped (engine-io-ids.ts)
//   a cookie or a header         read from the response head as it is written (response-keys.ts)
//
// Why the report wins the race with the client's next request: it is written to the IPC pipe
// synchronously (one frame, the channel's sendFrame) before the response that carries the key
// is written to the client. The client can connect again only after it has read that response, so by the time
// its new connection is in the master's accept queue, the report is already readable on the
// pipe; the master reads a new connection's first bytes at the earliest one turn of its loop
// after the accept, and that turn's poll has handled the readable pipe too.
// (test/integration/sticky-session-order.test.ts counts every keyed connection that found its
// key unknown.)
import type net from 'node:net';
import type { StickyConfig } from '../config/types.js';
import { MAX_SESSION_KEY, encodeSessions } from '../ipc/frames.js';
import type { WorkerListener } from '../ipc/protocol.js';
import { trackEngineIo } from './engine-io-ids.js';
import { caught } from './faults.js';
import type { MasterChannel } from './master-channel.js';
import { watchResponseKeys } from './response-keys.js';

export class SessionReport {
  constructor(private readonly channel: MasterChannel) {}

  /** Tells the master, now, that this process created session `key`. */
  readonly report = (key: string): void => {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_SESSION_KEY) return;
    // Called from inside the application's response (writeHead) or engine.io's handshake: a
    // fault of ours must not fail the request; the key is then unknown to the master (hashed
    // instead).
    try {
      this.channel.sendFrame(encodeSessions([key]));
    } catch (err) {
      caught('session-report', err);
    }
  };

  /**
   * `server` now serves `listeners`: for those with a sticky key, watch what creates sessions.
   * engine.io is looked for in the application's loaded modules now (it is loaded by the time a
   * server listens: socket.io attaches to the server, or creates and listens on it itself).
   */
  watch(server: net.Server, listeners: readonly WorkerListener[]): void {
    const seen: StickyConfig[] = [];
    for (const l of listeners) {
      const s = l.s;
      if (s === undefined || seen.some((x) => x.from === s.from && x.name === s.name)) continue;
      seen.push(s);
      if (s.from === 'query') trackEngineIo(this.report);
      else watchResponseKeys(server, s, this.report);
    }
  }
}
