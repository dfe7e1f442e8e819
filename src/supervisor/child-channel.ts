// A forked child's IPC channel as a WorkerProcess uses it: our frames on the raw pipe, Node's
// JSON messages, and the guarded signal to its process group.
import type { ChildProcess } from 'node:child_process';
import type { FrameChannel } from '../ipc/frame-channel.js';
import type { ToWorker } from '../ipc/protocol.js';
import type { ProcessChannel } from '../workers/worker-process.js';
import { killGroup } from './kill-group.js';

// A send whose channel closes meanwhile must not emit 'error' on the ChildProcess.
const ignore = (): void => {};

export class ChildChannel implements ProcessChannel {
  constructor(
    private readonly child: ChildProcess,
    /** Undefined when the spawn failed or this Node keeps no raw pipe (then nothing is written). */
    private readonly frames: FrameChannel | undefined,
  ) {}

  get connected(): boolean {
    return this.child.connected;
  }

  write(frame: Buffer, handle?: unknown, done?: (status: number) => void): boolean {
    return this.frames !== undefined && this.frames.write(frame, handle, done);
  }

  send(message: ToWorker): boolean {
    if (!this.child.connected) return false;
    try {
      // false from send() means a backlog, not a loss: the message is queued and goes.
      this.child.send(message, undefined, undefined, ignore);
      return true;
    } catch {
      // Closed between the check and the send: the process is on its way out.
      return false;
    }
  }

  kill(signal: NodeJS.Signals): void {
    killGroup(this.child, signal);
  }
}
