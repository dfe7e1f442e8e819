// In a worker: an unmodified dgram application's bind() of a cluster UDP port is served by the
// master instead of binding it.
//
// The application's socket binds an ephemeral loopback port instead (so it is a real, bound,
// referenced socket: 'listening', close(), setters, the event loop all behave as usual), and
// reports the cluster address from address(). Datagrams of its flows arrive over IPC and are
// emitted as the socket's 'message' with the client's rinfo; its send() to a client goes back
// over IPC and leaves through the master's socket, so the client sees the cluster address and
// port as the source. Nobody knows the ephemeral port, so nothing else arrives on it.
import dgram from 'node:dgram';
import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import { FRAME, datagramBytes, decodeDatagrams, encodeDatagrams, type Datagram } from '../ipc/frames.js';
import type { WorkerListener } from '../ipc/protocol.js';
import { parseBindArgs } from './bind-args.js';
import { appThrow } from './faults.js';
import type { MasterChannel } from './master-channel.js';
import { parseSendArgs, type SendTarget } from './send-args.js';

/** The largest UDP payload over IPv4; what a real socket refuses with EMSGSIZE. */
const MAX_PAYLOAD = 65507;
/** Replies per R frame at most: a burst goes out in frames of bounded size. */
const MAX_BATCH = 64;

type Socket = dgram.Socket & { type?: string };
type SendFn = (...args: unknown[]) => void;

/** Counters a test or the application may read; malformed input is counted, never thrown. */
export interface DgramStats {
  delivered: number;
  sent: number;
  /** Datagrams for a listener no socket serves (closed meanwhile). */
  unserved: number;
  malformed: number;
}

export class DgramIntercept {
  readonly stats: DgramStats = { delivered: 0, sent: 0, unserved: 0, malformed: 0 };
  private readonly byPort = new Map<number, WorkerListener[]>();
  /** Per listener index: the application's socket serving it. */
  private readonly served: Array<Socket | undefined> = [];
  /** Per listener index: a bind() under way or done (a second bind gets EADDRINUSE). */
  private readonly claimed: boolean[] = [];
  private readonly sockets = new Set<Socket>();
  private replies: Datagram[] = [];
  private replyBytes = 0;

  constructor(
    private readonly channel: MasterChannel,
    listeners: readonly WorkerListener[],
    private readonly originalBind: SendFn,
    /** Called when the set of served listeners changes (the runtime tells the master). */
    private readonly onChange: () => void,
  ) {
    for (const l of listeners) {
      if (l.protocol !== 'udp') continue;
      const list = this.byPort.get(l.port) ?? [];
      list.push(l);
      this.byPort.set(l.port, list);
    }
  }

  /** Cluster UDP ports of this worker. */
  get ports(): number[] {
    return [...this.byPort.keys()];
  }

  /** Sockets currently serving a cluster port. */
  get count(): number {
    return this.sockets.size;
  }

  /** Listener indexes currently served. */
  listening(out: number[]): void {
    for (let i = 0; i < this.served.length; i++) if (this.served[i]) out.push(i);
  }

  /** Called in place of dgram.Socket.prototype.bind; false when the call is not for a cluster port. */
  interceptBind(socket: Socket, args: unknown[]): boolean {
    const target = parseBindArgs(args);
    if (!target) return false;
    const listeners = this.byPort.get(target.port);
    if (!listeners) return false;
    if (listeners.some((l) => this.claimed[l.i])) {
      // A second socket on the port: what a real bind says.
      const err = Object.assign(new Error(`bind EADDRINUSE 0.0.0.0:${target.port}`), {
        code: 'EADDRINUSE', errno: -98, syscall: 'bind', address: target.address ?? '0.0.0.0', port: target.port,
      });
      process.nextTick(() => socket.emit('error', err));
      return true;
    }
    for (const l of listeners) this.claimed[l.i] = true;
    const first = listeners[0];
    const v6 = socket.type === 'udp6';
    socket.address = () => ({ address: first.address, family: first.family, port: first.port });
    const originalSend = socket.send as unknown as SendFn;
    const self = this;
    socket.send = function send(this: Socket, ...a: unknown[]): void {
      const t = parseSendArgs(a);
      // A connected socket's send(msg) and bad payloads: Node's own send (and its errors).
      if (t === undefined) return originalSend.apply(this, a);
      self.send(this, listeners, v6, t);
    } as unknown as typeof socket.send;
    socket.once('listening', () => {
      for (const l of listeners) this.served[l.i] = socket;
      this.sockets.add(socket);
      this.onChange();
    });
    socket.once('close', () => {
      let changed = false;
      for (const l of listeners) {
        this.claimed[l.i] = false;
        if (this.served[l.i] === socket) {
          this.served[l.i] = undefined;
          changed = true;
        }
      }
      this.sockets.delete(socket);
      if (changed) this.onChange();
    });
    // Exclusive: in a worker cluster.isWorker is true, and dgram would ask cluster._getServer.
    const own = { port: 0, address: v6 ? '::1' : '127.0.0.1', exclusive: true };
    this.originalBind.apply(socket, target.callback ? [own, target.callback] : [own]);
    return true;
  }

  /** A U frame from the master: datagrams of our flows, each the socket's 'message' event. */
  deliver(b: Buffer, start: number, end: number): void {
    if (decodeDatagrams(b, start, end, this.deliverOne) < 0) this.stats.malformed++;
  }

  private readonly deliverOne = (l: number, a: string, p: number, view: Buffer): void => {
    const socket = this.served[l];
    if (socket === undefined) {
      this.stats.unserved++;
      return;
    }
    // A copy of its own, as a datagram read from a socket is: the application may keep it.
    const data = Buffer.from(view);
    this.stats.delivered++;
    try {
      socket.emit('message', data, { address: a, family: a.includes(':') ? 'IPv6' : 'IPv4', port: p, size: data.length });
    } catch (err) {
      // The application's 'message' listener: its throw stays its own (the frame handler passes it on).
      throw appThrow(err);
    }
  };

  /** Closes every served socket (graceful stop): the application sees 'close' as on any close(). */
  closeAll(): void {
    for (const s of [...this.sockets]) {
      try {
        s.close();
      } catch {
        // Already closed.
      }
    }
  }

  /**
   * Replies sent in one turn of the event loop go to the master as one R frame (a handler
   * answering a batch of datagrams answers them in the same turn).
   */
  private queueReply(d: Datagram): void {
    this.replies.push(d);
    this.replyBytes += datagramBytes(d);
    if (this.replies.length === 1) setImmediate(this.flushReplies);
    else if (this.replies.length >= MAX_BATCH) this.flushReplies();
  }

  private readonly flushReplies = (): void => {
    const list = this.replies;
    if (list.length === 0) return;
    this.replies = [];
    this.channel.sendFrame(encodeDatagrams(FRAME.replies, list, this.replyBytes));
    this.replyBytes = 0;
  };

  private send(socket: Socket, listeners: readonly WorkerListener[], v6: boolean, t: SendTarget): void {
    const fail = (code: string, errno: number, address: string): void => {
      const err = Object.assign(new Error(`send ${code} ${address}:${t.port}`), { code, errno, syscall: 'send', address, port: t.port });
      // As Node: the callback gets the error, or else the socket emits it.
      if (t.callback) process.nextTick(t.callback, err);
      else process.nextTick(() => socket.emit('error', err));
    };
    if (t.data.length > MAX_PAYLOAD) return fail('EMSGSIZE', -90, t.address ?? '');
    const go = (address: string): void => {
      if (!process.connected) {
        // The master is gone: nothing can leave from the cluster address any more. Only a
        // callback hears of it; an 'error' event would crash an application on its way out.
        if (t.callback) process.nextTick(t.callback, Object.assign(new Error('send EPIPE: the portplex master is gone'), { code: 'EPIPE', errno: -32, syscall: 'send' }));
        return;
      }
      // An IPv6 zone can make isIP() accept any length; no interface name is this long.
      if (address.length > 255) return fail('EINVAL', -22, address);
      // Several cluster listeners on one port (e.g. IPv4 and IPv6): reply from the matching one.
      const family = isIP(address) === 6 && !address.startsWith('::ffff:') ? 'IPv6' : 'IPv4';
      const l = listeners.find((x) => x.family === family) ?? listeners[0];
      // A copy: the application may change its buffer once send() returns.
      this.queueReply({ listener: l.i, address, port: t.port, data: Buffer.from(t.data) });
      this.stats.sent++;
      if (t.callback) process.nextTick(t.callback, null, t.data.length);
    };
    const address = t.address ?? (v6 ? '::1' : '127.0.0.1');
    if (isIP(address) !== 0) return go(address);
    lookup(address, { family: v6 ? 6 : 4 }, (err, resolved) => {
      if (err) return fail((err as NodeJS.ErrnoException).code ?? 'ENOTFOUND', -3008, address);
      go(resolved);
    });
  }
}
