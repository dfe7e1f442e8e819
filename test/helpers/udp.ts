// dgram clients for UDP integration tests: each client is one flow (its own source port).
import dgram from 'node:dgram';
import net from 'node:net';

/** A reply as the client saw it: text, and where it came from (rinfo). */
export interface Reply {
  text: string;
  /** First word of the fixtures' answers: the worker id. */
  worker: number;
  pid: number;
  from: { address: string; port: number };
}

/** One UDP client socket bound to 127.0.0.1:<random port>. */
export class UdpClient {
  private waiting: Array<(r: Reply) => void> = [];
  readonly replies: Reply[] = [];

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (msg, rinfo) => {
      const text = msg.toString();
      const [worker, pid] = text.split(' ');
      const r: Reply = { text, worker: Number(worker), pid: Number(pid), from: { address: rinfo.address, port: rinfo.port } };
      this.replies.push(r);
      this.waiting.shift()?.(r);
    });
  }

  static async open(): Promise<UdpClient> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpClient(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(port: number, payload: string | Buffer): void {
    this.socket.send(payload, port, '127.0.0.1');
  }

  /** Sends and resolves with the next reply; rejects after `ms`. */
  ask(port: number, payload: string | Buffer, ms = 5000): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== onReply);
        reject(new Error(`no reply to ${JSON.stringify(String(payload).slice(0, 40))} from port ${port} within ${ms} ms`));
      }, ms);
      const onReply = (r: Reply): void => {
        clearTimeout(timer);
        resolve(r);
      };
      this.waiting.push(onReply);
      this.send(port, payload);
    });
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // Already closed.
    }
  }
}

/** A port free on 127.0.0.1 for both TCP and UDP right now (for a TCP and a UDP listener on one port). */
export async function freeTcpUdpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = net.createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
    const socket = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => resolve(true));
    });
    socket.close();
    await new Promise((r) => server.close(r));
    if (ok) return port;
  }
  throw new Error('no port free for both TCP and UDP');
}
