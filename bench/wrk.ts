// wrk, the load generator every HTTP setup is measured with: availability, one run, and a parser
// of its `--latency` report.
import { execFile, spawnSync } from 'node:child_process';

/** What one wrk run reports; latencies in ms. */
export interface WrkResult {
  requests: number;
  seconds: number;
  requestsPerSec: number;
  latency: { avg: number; max: number; p50: number | null; p75: number | null; p90: number | null; p99: number | null };
  errors: { connect: number; read: number; write: number; timeout: number; status: number };
}

export const WRK_INSTALL_HINT = 'wrk is required for the HTTP benchmarks: install it with `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` (macOS)';

/** wrk's version line, or null when wrk is not on PATH. */
export function wrkVersion(): string | null {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error) return null;
  const line = `${r.stdout}${r.stderr}`.split('\n').find((l) => l.startsWith('wrk'));
  return line?.replace(/\s+Copyright.*$/, '').trim() ?? 'wrk';
}

const TIME_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "1.23ms", "456.00us", "2.00s" as ms. */
export function parseDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`wrk: unreadable duration ${JSON.stringify(text)}`);
  return Number(m[1]) * TIME_UNITS[m[2]!]!;
}

/** Parses wrk's stdout (run with --latency); throws naming what is missing. */
export function parseWrk(output: string): WrkResult {
  const need = (re: RegExp, what: string): RegExpExecArray => {
    const m = re.exec(output);
    if (!m) throw new Error(`wrk: no ${what} in output:\n${output}`);
    return m;
  };
  const total = need(/^\s*(\d+) requests in ([\d.]+\w+)/m, 'request count');
  const rps = need(/^Requests\/sec:\s*([\d.]+)/m, 'Requests/sec');
  const lat = need(/^\s*Latency\s+([\d.]+\w+)\s+([\d.]+\w+)\s+([\d.]+\w+)/m, 'latency line');
  const pct = (p: number): number | null => {
    const m = new RegExp(`^\\s*${p}(?:\\.0+)?%\\s+([\\d.]+\\w+)`, 'm').exec(output);
    return m ? parseDuration(m[1]!) : null;
  };
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const status = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  return {
    requests: Number(total[1]),
    seconds: parseDuration(total[2]!) / 1000,
    requestsPerSec: Number(rps[1]),
    latency: { avg: parseDuration(lat[1]!), max: parseDuration(lat[3]!), p50: pct(50), p75: pct(75), p90: pct(90), p99: pct(99) },
    errors: {
      connect: sock ? Number(sock[1]) : 0,
      read: sock ? Number(sock[2]) : 0,
      write: sock ? Number(sock[3]) : 0,
      timeout: sock ? Number(sock[4]) : 0,
      status: status ? Number(status[1]) : 0,
    },
  };
}

/** Options of one wrk run. */
export interface WrkOptions {
  url: string;
  threads: number;
  connections: number;
  seconds: number;
  headers?: string[];
}

/** wrk's arguments for `opts`, always with --latency. */
export function wrkArgs(opts: WrkOptions): string[] {
  const args = ['-t', String(opts.threads), '-c', String(opts.connections), '-d', `${opts.seconds}s`, '--latency'];
  for (const h of opts.headers ?? []) args.push('-H', h);
  args.push(opts.url);
  return args;
}

/** Runs wrk to completion and parses its report. */
export function runWrk(opts: WrkOptions): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    execFile('wrk', wrkArgs(opts), { encoding: 'utf8', timeout: (opts.seconds + 30) * 1000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrk ${wrkArgs(opts).join(' ')}: ${err.message}\n${stderr}`));
      try {
        resolve(parseWrk(stdout));
      } catch (e) {
        reject(e);
      }
    });
  });
}
