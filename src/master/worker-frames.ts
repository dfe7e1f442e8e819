// What a worker's frames do, one handler per frame type, by the sending process's role: its
// worker's current process, a retired one (a reload's old process, which only reports what it
// still accepts and closes), or a replacement still starting (which has nothing to say).
import type { ReceivedHandle } from '../ipc/frame-channel.js';
import { FRAME, ackCount, ackId, acksBegun, acksTaken, decodeForward, decodeSessions } from '../ipc/frames.js';
import type { RawHandle } from '../internals/tcp-handle.js';
import type { ConnectionTable } from '../table/connection-table.js';
import type { FlowDispatcher } from '../udp/flow-dispatcher.js';
import { recordCloses } from './close-reports.js';
import type { DirectListener } from './direct-listener.js';
import type { DispatchListener } from './dispatch-listener.js';
import type { Handoffs } from './handoffs.js';
import type { SessionTable } from './sessions.js';
import type { MasterStats } from './stats.js';
import type { Sender } from './worker-messages.js';

export interface FrameTargets {
  readonly table: ConnectionTable;
  readonly handoffs: Handoffs;
  readonly dispatch: DispatchListener;
  readonly direct: DirectListener;
  readonly udp: FlowDispatcher;
  readonly stats: MasterStats;
  readonly sessions: SessionTable;
}

type FrameHandler = (from: Sender, b: Buffer, start: number, end: number, handle: ReceivedHandle | undefined) => void;

/** The handlers by frame type (a byte); the sender is a current or a retired process (its key is known). */
export function frameTable(t: FrameTargets): ReadonlyMap<number, FrameHandler> {
  return new Map<number, FrameHandler>([
    // Acks of connections taken, then close reports.
    [FRAME.acks, (from, b, start, end) => {
      const taken = acksTaken(b, start, end);
      if (taken < 0) {
        t.stats.malformed++;
        return;
      }
      // Only a current process is sent connections; a retired one was idle at its switch.
      if (from.worker !== undefined) for (let i = 0; i < taken; i++) t.handoffs.onAck(from.p, ackId(b, start, i));
      const closes = taken + acksBegun(b, start);
      for (let i = taken; i < closes; i++) t.handoffs.onBegun(from.p, ackId(b, start, i));
      const n = ackCount(start, end);
      if (n === closes) return;
      // A close before any begun report (the client went away unread): the copy is not needed either.
      for (let i = closes; i < n; i++) t.handoffs.onBegun(from.p, ackId(b, start, i));
      if (from.key !== undefined && recordCloses(t.table, from.p, from.key, b, start, closes, n)) t.direct.update();
      t.handoffs.drainQueue();
    }],
    // Direct mode: what it accepted itself.
    [FRAME.accepted, (from, b, start, end) => t.direct.onAccepted(from.p, from.key!, b, start, end)],
    // Direct mode: a connection whose content belongs to another group, handed back (a retired
    // process still hands back what it accepted before its stop: a new connection all the same).
    [FRAME.forward, (_from, b, start, end, handle) => t.dispatch.onForwarded(decodeForward(b, start, end), handle as RawHandle | undefined)],
    // Sticky sessions the application created: later connections carrying their key come here.
    // A retired process gets no new connections, so what it reports is not remembered.
    [FRAME.sessions, (from, b, start, end) => {
      if (from.worker === undefined) return;
      const now = Date.now();
      const id = from.worker.id;
      const pid = from.p.pid;
      if (!decodeSessions(b, start, end, (key) => t.sessions.learn(key, id, pid, now))) t.stats.malformed++;
    }],
    // Datagrams to send from the cluster address.
    [FRAME.replies, (from, b, start, end) => {
      if (from.key !== undefined) t.udp.onReplies(from.worker, from.key, b, start, end);
    }],
  ]);
}
