// Descriptor exhaustion: the server and its workers run under a low RLIMIT_NOFILE while clients
// open more keep-alive connections (each with one request) than the processes have descriptors.
// Then every client closes, and a burst of normal requests shows whether the service came back:
// processes alive, workers replaced, requests served after.
import { openMany, request } from './clients.js';
import { alive, startCluster, startPortplex, type FaultServer, type ServerOptions } from './servers.js';

export interface EmfileOptions {
  nofile: number;
  connections: number;
  holdMs: number;
  /** Requests made one after another once the connections are closed. */
  after: number;
}

export interface EmfileRow {
  setup: string;
  round: number;
  opened: number;
  /** Connections that got an answer to their request. */
  answered: number;
  masterAlive: boolean;
  workersBefore: number;
  /** Workers of the start still alive at the end. */
  workersSurvived: number;
  /** Serving processes at the end (replacements included). */
  workersAfter: number;
  servedAfter: number;
}

export const EMFILE_SETUPS: ReadonlyArray<[string, (o: ServerOptions) => Promise<FaultServer>]> = [
  ['cluster-rr', (o) => startCluster('emfile-cluster', o)],
  ['portplex', (o) => startPortplex('emfile-dispatch', [], o)],
  ['portplex --preread http', (o) => startPortplex('emfile-preread', ['--preread', 'http'], o)],
];

const REQUEST = Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'latin1');

export async function emfileTrial(setup: string, startServer: (o: ServerOptions) => Promise<FaultServer>, o: EmfileOptions, tmp: string, round = 1): Promise<EmfileRow> {
  const server = await startServer({ tmp, workers: 2, nofile: o.nofile });
  try {
    const before = server.servingPids();
    let answered = 0;
    const held = await openMany(server.port, o.connections, 64, (s) => {
      s.once('data', () => { answered++; });
      s.write(REQUEST);
    });
    await new Promise((r) => setTimeout(r, o.holdMs));
    held.destroy();
    // Let the processes see the closes (and a supervisor replace what died) before judging.
    await new Promise((r) => setTimeout(r, 1500));
    let servedAfter = 0;
    for (let i = 0; i < o.after; i++) if ((await request(server.port, 2000)).failure === null) servedAfter++;
    return {
      setup,
      round,
      opened: held.opened,
      answered,
      masterAlive: alive(server.proc.pid),
      workersBefore: before.length,
      workersSurvived: before.filter(alive).length,
      workersAfter: server.servingPids().length,
      servedAfter,
    };
  } finally {
    await server.stop();
  }
}
