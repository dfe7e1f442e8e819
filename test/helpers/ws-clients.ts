// Real clients of the ws package against a portplex cluster: each opens a WebSocket, waits for
// the worker's greeting ({ worker, pid }), and records how each of its connections closed; with
// `reconnect`, it opens a new one as soon as one closes, as a browser application would.
import { WebSocket } from 'ws';

export interface WsClient {
  /** The pid that greeted each connection, in order. */
  readonly pids: number[];
  /** The close code of each connection that closed, in order. */
  readonly codes: number[];
  /** Errors seen (a failed connect, an unexpected response). */
  readonly errors: string[];
  /** Resolves with the code of the first close. */
  readonly firstClose: Promise<number>;
  /** True while a connection is open and greeted. */
  readonly greeted: boolean;
  /** Stops reconnecting and closes the open connection, if any. */
  close(): void;
}

/** Opens `n` clients; resolves once every one has its first greeting. */
export async function openWsClients(port: number, n: number, reconnect = false): Promise<WsClient[]> {
  const clients = Array.from({ length: n }, () => wsClient(port, reconnect));
  await Promise.all(clients.map((c) => c.firstGreeting));
  return clients.map((c) => c.client);
}

function wsClient(port: number, reconnect: boolean): { client: WsClient; firstGreeting: Promise<void> } {
  let current: WebSocket | undefined;
  let stopped = false;
  let greeted = false;
  let firstGreeted: () => void = () => {};
  const firstGreeting = new Promise<void>((resolve) => { firstGreeted = resolve; });
  let firstClosed: (code: number) => void = () => {};
  const client: WsClient = {
    pids: [],
    codes: [],
    errors: [],
    firstClose: new Promise<number>((resolve) => { firstClosed = resolve; }),
    get greeted() { return greeted; },
    close() {
      stopped = true;
      current?.close();
    },
  };
  const connect = (): void => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    current = ws;
    ws.on('message', (data) => {
      if (greeted) return;
      client.pids.push((JSON.parse(String(data)) as { pid: number }).pid);
      greeted = true;
      firstGreeted();
    });
    ws.on('error', (err) => client.errors.push(err.message));
    ws.on('close', (code) => {
      greeted = false;
      client.codes.push(code);
      firstClosed(code);
      if (reconnect && !stopped) connect();
    });
  };
  connect();
  return { client, firstGreeting };
}
