// What `cluster.worker` is in a portplex worker (internals/cluster-role.ts): the members of Node's
// cluster Worker an application uses in its worker branch, over this process and portplex's
// runtime. It emits no events: portplex's master sends the application no messages, and a
// 'message' listener on `process` would hold the IPC channel, and so the process, open
// (child_process refs the channel for it; the runtime refs it only while it serves).
import { EventEmitter } from 'node:events';

export class ClusterWorker extends EventEmitter {
  /** This process, as `cluster.worker.process` is in a cluster worker. */
  readonly process: NodeJS.Process = process;
  /** 'online' until disconnect() or destroy(). */
  state: 'online' | 'disconnected' | 'dead' = 'online';
  /** True once the application itself asked to leave, as in Node. */
  exitedAfterDisconnect: boolean | undefined = undefined;

  constructor(
    /** The portplex worker id (1..N, kept across restarts). */
    readonly id: number,
    /** The runtime's graceful stop: servers finish what they have, then the process exits. */
    private readonly stop: () => void,
  ) {
    super();
  }

  /** process.send(): the master reads 'ready' (with waitReady), as from process.send('ready'). */
  send(...args: unknown[]): boolean {
    if (typeof process.send !== 'function') return false;
    return (process.send as (...a: unknown[]) => boolean)(...args);
  }

  isConnected(): boolean {
    return process.connected;
  }

  /** Never: the process asking is this one, alive. */
  isDead(): boolean {
    return false;
  }

  /** Stops taking connections, lets the servers finish, then exits; the master starts a new process. */
  disconnect(): this {
    this.exitedAfterDisconnect = true;
    this.state = 'disconnected';
    this.stop();
    return this;
  }

  /** Exits now; the master starts a new process. */
  destroy(): void {
    this.exitedAfterDisconnect = true;
    this.state = 'dead';
    process.exit(0);
  }

  /** Node's alias of destroy() in a worker. */
  kill(): void {
    this.destroy();
  }
}
