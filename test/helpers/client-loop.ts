// Clients that keep making requests (a new connection each) until stopped, counting failures.
import { get } from './cluster.js';

export interface ClientLoop {
  readonly ok: () => number;
  readonly failures: () => string[];
  /** Stops the loops; resolves once every request in flight has ended. */
  stop(): Promise<void>;
}

/** `clients` loops of GET http://127.0.0.1:`port`/, each waiting for its answer before the next. */
export function clientLoop(port: number, clients = 8): ClientLoop {
  let ok = 0;
  const failures: string[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      try {
        const r = await get(port);
        if (r.status === 200) ok++;
        else failures.push(`status ${r.status}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  });
  return {
    ok: () => ok,
    failures: () => failures,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
