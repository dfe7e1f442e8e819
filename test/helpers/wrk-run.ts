// wrk in the background for as long as a test needs it: started with a long -d, stopped with
// SIGINT, after which it prints its report.
import { spawn } from 'node:child_process';
import { parseWrk, wrkArgs, type WrkOptions, type WrkResult } from '../../bench/wrk.js';

export interface RunningWrk {
  /** Stops wrk (SIGINT) and parses its report. */
  stop(): Promise<WrkResult>;
}

export function startWrk(opts: Omit<WrkOptions, 'seconds'>): RunningWrk {
  const wrk = spawn('wrk', wrkArgs({ ...opts, seconds: 600 }), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  wrk.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const ended = new Promise<void>((resolve, reject) => {
    wrk.on('error', (err) => reject(new Error(`wrk: ${err.message} (install it: apt-get install -y wrk)`)));
    wrk.on('close', () => resolve());
  });
  // A test that fails before stop() still ends wrk.
  ended.catch(() => {});
  return {
    stop: async () => {
      wrk.kill('SIGINT');
      await ended;
      return parseWrk(out);
    },
  };
}

/** Requests that got no good answer: resets, write errors, timeouts and non-2xx/3xx answers. */
export function failedRequests(r: WrkResult): number {
  return r.errors.read + r.errors.write + r.errors.timeout + r.errors.status;
}
