// What a process that stops listening loses, with SO_REUSEPORT and without: wrk makes new
// connections to N processes; halfway, one of them closes its listening socket (SIGUSR2: the
// app's server.close(), as a drain or a reload does) and leaves when its connections are done.
// With reuseport each process has its own accept queue, and the kernel resets the connections
// waiting in the one that closes (unless net.ipv4.tcp_migrate_req=1); with one shared socket
// (Node's cluster SCHED_NONE, portplex) the queue stays with the others.
//
//   node dist/bench/reuseport.js [--rounds n] [--setups a,b]   (reuseport needs Node 22.12+)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startReforking } from './kills.js';
import { allSetups } from './setups.js';
import { runWrk } from './wrk.js';

export const CLOSE_SETUPS = ['reuseport', 'cluster-none'];

export interface CloseRound {
  setup: string;
  requests: number;
  failed: number;
}

export async function runCloseRound(name: string, tmp: string, workers = 4, seconds = 6): Promise<CloseRound | null> {
  const setup = allSetups().find((s) => s.name === name)!;
  const ctx = { workers, tmp };
  if (setup.unavailable(ctx)) return null;
  const running = await startReforking(setup, ctx);
  try {
    const wrk = runWrk({ url: `http://127.0.0.1:${running.port}/`, threads: 1, connections: 32, seconds, headers: ['Connection: close'] });
    await new Promise((r) => setTimeout(r, (seconds * 1000) / 2));
    const victim = running.servingPids()[0];
    if (victim !== undefined) process.kill(victim, 'SIGUSR2');
    const r = await wrk;
    return { setup: name, requests: r.requests, failed: r.errors.read + r.errors.write + r.errors.timeout + r.errors.connect };
  } finally {
    await running.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, setups: { type: 'string' } } });
  const tmp = mkdtempSync(join(tmpdir(), 'portplex-reuseport-'));
  let migrate = 'unknown';
  try {
    migrate = readFileSync('/proc/sys/net/ipv4/tcp_migrate_req', 'utf8').trim();
  } catch {
    // Older kernels have no such setting: nothing migrates.
  }
  try {
    const names = values.setups ? values.setups.split(',') : CLOSE_SETUPS;
    process.stdout.write(`Node ${process.version}, net.ipv4.tcp_migrate_req=${migrate}; wrk -c32 new connections to 4 processes, one closes its listener halfway.\n\n| setup | round | requests | failed |\n|---|---|---|---|\n`);
    for (let r = 0; r < Number(values.rounds); r++) {
      for (const n of names) {
        const round = await runCloseRound(n, tmp);
        process.stdout.write(round ? `| ${n} | ${r + 1} | ${round.requests} | ${round.failed} |\n` : `| ${n} | ${r + 1} | unavailable here | |\n`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
