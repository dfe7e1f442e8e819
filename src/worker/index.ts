// The worker-side API for applications that prefer code to an unmodified listen().
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
