// The worker-side API for applications that prefer code to an unmodified listen().
import dgram from 'node:dgram';
import type { Server } from 'node:net';
import { currentRuntime, installRuntime } from './runtime.js';

/** Extra prom-client registries of the application, reported with the global one. */
export { useWorkerRegistries } from '../metrics/worker-metrics.js';

/** True in a process forked by portplex. */
export function isWorker(): boolean {
  return installRuntime() !== undefined;
}

/** This worker's stable id (1..N, kept across restarts), or undefined outside portplex. */
export function workerId(): number | undefined {
  return currentRuntime()?.workerId ?? installRuntime()?.workerId;
}

/**
 * Serves `server` on a cluster port: the master hands it that port's connections.
 * `port` defaults to the first port of this worker's group. Resolves once listening.
 */
export function attach(server: Server, port?: number): Promise<void> {
  const rt = installRuntime();
  if (!rt) return Promise.reject(new Error('portplex attach(): this process is not a portplex worker'));
  const p = port ?? rt.ports[0];
  if (!rt.ports.includes(p)) {
    return Promise.reject(new Error(`portplex attach(): port ${p} is not a cluster port of this worker (ports: ${rt.ports.join(', ')})`));
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(p, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

/** Tells the master this worker is ready even before it listens. */
export function ready(): void {
  installRuntime()?.ready();
}

/**
 * Runs `hook` when this worker starts to drain (shutdown, reload, scale-down): its servers take
 * no new connections, and HTTP connections end on their next request. WebSockets of the `ws`
 * package (socket.io, @fastify/websocket) are closed with 1001 (going away) right after the
 * hooks, unless a hook closed them. Other connections the application keeps itself (long
 * polls, server-sent events, other WebSocket libraries) are its to end here; what is still
 * open at --grace is cut.
 */
export function onDrain(hook: () => void): void {
  installRuntime()?.onDrain(hook);
}

/** Runs `hook` (may be async) on graceful shutdown, after servers have drained, before exit. */
export function onShutdown(hook: () => unknown): void {
  installRuntime()?.onShutdown(hook);
}

/**
 * Sets this worker's weight from inside the application (HAProxy's agent-check idea):
 * 0 drains it (no new connections, open ones go on). Ignored outside portplex.
 */
export function setWeight(weight: number): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > 65535) {
    throw new RangeError(`portplex setWeight(): expected an integer 0-65535, got ${String(weight)}`);
  }
  installRuntime()?.agent(weight);
}

/** Stops new connections to this worker until undrain(); open ones go on. */
export function drain(): void {
  installRuntime()?.agent(0);
}

/** Gives this worker its configured weight back. */
export function undrain(): void {
  installRuntime()?.agent('undrain');
}

/** A UDP cluster port served by onDatagram(). */
export interface DatagramPort {
  /** The cluster port. */
  readonly port: number;
  /** The dgram socket underneath (its send() leaves from the cluster address too). */
  readonly socket: dgram.Socket;
  /** Sends a datagram from the cluster address and port to `address`:`port`. */
  send(data: Buffer | string, port: number, address: string): void;
  /** Stops serving: the master moves this worker's flows to other workers. */
  close(): void;
}

/** Called for each datagram of a flow this worker serves; `reply` answers the client from the cluster address. */
export type DatagramHandler = (data: Buffer, client: dgram.RemoteInfo, reply: (data: Buffer | string) => void) => void;

/**
 * Serves a UDP cluster port: `handler` gets each datagram of the flows the master gives this
 * worker. `port` defaults to the first UDP port of this worker's group. Resolves once served.
 */
export function onDatagram(port: number | undefined, handler: DatagramHandler): Promise<DatagramPort> {
  const rt = installRuntime();
  if (!rt) return Promise.reject(new Error('portplex onDatagram(): this process is not a portplex worker'));
  const p = port ?? rt.udpPorts[0];
  if (p === undefined || !rt.udpPorts.includes(p)) {
    return Promise.reject(new Error(`portplex onDatagram(): port ${String(p)} is not a UDP cluster port of this worker (udp ports: ${rt.udpPorts.join(', ') || 'none'})`));
  }
  const family = rt.listeners.find((l) => l.protocol === 'udp' && l.port === p)?.family;
  const socket = dgram.createSocket(family === 'IPv6' ? 'udp6' : 'udp4');
  socket.on('message', (data, client) => handler(data, client, (answer) => socket.send(answer, client.port, client.address)));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(p, () => {
      socket.removeListener('error', reject);
      // A failed reply (EMSGSIZE, an unresolvable name) is a warning, not the end of the worker.
      socket.on('error', (err) => process.emitWarning(`portplex onDatagram(): ${err.message}`));
      resolve({
        port: p,
        socket,
        send: (data, toPort, address) => socket.send(data, toPort, address),
        close: () => socket.close(),
      });
    });
  });
}
