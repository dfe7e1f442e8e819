// A connection the master hands over (a C frame with its descriptor): given to the server of
// its listener and acknowledged, or refused so that the master gives it to another worker.
import type { ConnFrame } from '../ipc/frames.js';
import type { ArrivedHandle, Delivery } from './delivery.js';
import type { ListenIntercept } from './listen-intercept.js';
import { ack, refuse } from './master-channel.js';
import type { RuntimeStats } from './stats.js';

export class Adoption {
  constructor(
    private readonly delivery: Delivery,
    private readonly serving: ListenIntercept,
    private readonly stats: RuntimeStats,
    /** ms after which a connection still arriving is refused (the master gives up on it at twice this). */
    private readonly staleAfter: number,
    private readonly stopping: () => boolean,
  ) {}

  adopt(f: ConnFrame | undefined, handle: ArrivedHandle | undefined): void {
    if (f === undefined || !handle || typeof handle.close !== 'function') {
      this.stats.malformed++;
      if (handle && typeof handle.close === 'function') handle.close();
      return;
    }
    const id = f.id;
    const target = this.serving.handleOf(f.listener);
    let why = '';
    if (this.stopping()) why = 'stopping';
    else if (!target || !target.onconnection) why = 'no-server';
    // The master hands a connection elsewhere once its deadline passes; refusing well before
    // that deadline keeps two processes from ever serving one socket.
    else if (Date.now() - f.sentAt > this.staleAfter) why = 'stale';
    if (why) {
      this.stats.refused++;
      handle.close();
      refuse(id, why);
      return;
    }
    // A copy: the frame's bytes belong to the channel's read buffer.
    const data = f.data === undefined ? undefined : Buffer.from(f.data);
    if (this.delivery.deliver(target!, handle, id, data, f.eof, f.peer)) {
      this.stats.adopted++;
      ack(id);
    } else {
      // No 'connection' event: the server dropped it (maxConnections) and closed our copy.
      this.stats.refused++;
      refuse(id, 'full');
    }
  }
}
