// UDP request/response through portplex (2 workers) as a ratio of one Node process serving the
// same port directly, measured in the same run, alternating, on the same machine.
//
// The server is examples/udp-echo.js in both cases, unmodified. The load generator is this
// process: `flows` client sockets (each its own source port, so its own flow), each keeping
// `window` datagrams in flight and sending the next one as each answer arrives. A datagram can
// be lost (full socket buffers); a flow that heard nothing for 200 ms is restarted, so loss
// lowers the rate instead of stalling it.
//
// Run: node dist/bench/udp.js [--quick] [--rounds n] [--duration ms] [--flows n] [--window n] [--out file]
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP = join(ROOT, 'examples/udp-echo.js');
const CLI = join(ROOT, 'dist/src/cli/main.js');

export interface UdpBenchOptions {
  /** Short runs for a smoke check (2 rounds of 2 s). */
  quick?: boolean;
  rounds?: number;
  /** ms measured per run, after a warm-up. */
  durationMs?: number;
  flows?: number;
  window?: number;
  /** Payload bytes per request (a DNS question is 30-60). */
  payload?: number;
  /** Where to write the JSON result; undefined: not written. */
  out?: string;
}

export interface UdpRun {
  setup: 'direct' | 'portplex';
  round: number;
  datagramsPerSecond: number;
  /** Flows restarted after 200 ms of silence (lost datagrams). */
  stalls: number;
}

export interface UdpBenchResult {
  options: Required<Omit<UdpBenchOptions, 'out' | 'quick'>>;
  node: string;
  runs: UdpRun[];
  median: { direct: number; portplex: number };
  /** portplex / direct, per round and of the medians. */
  ratios: number[];
  ratio: number;
}

/** Runs the benchmark and returns (and optionally writes) its result. */
export async function runUdpBench(opts: UdpBenchOptions = {}): Promise<UdpBenchResult> {
  const options = {
    rounds: opts.rounds ?? (opts.quick ? 2 : 5),
    durationMs: opts.durationMs ?? (opts.quick ? 2000 : 5000),
    flows: opts.flows ?? 64,
    window: opts.window ?? 4,
    payload: opts.payload ?? 48,
  };
  const runs: UdpRun[] = [];
  for (let round = 0; round < options.rounds; round++) {
    // Alternate which goes first, so drift in the machine's load hits both alike.
    const order: Array<UdpRun['setup']> = round % 2 === 0 ? ['direct', 'portplex'] : ['portplex', 'direct'];
    for (const setup of order) {
      const run = await measure(setup, options);
      runs.push({ setup, round, ...run });
      process.stderr.write(`round ${round + 1}/${options.rounds} ${setup}: ${Math.round(run.datagramsPerSecond)} datagrams/s\n`);
    }
  }
  const of = (setup: UdpRun['setup']) => runs.filter((r) => r.setup === setup).map((r) => r.datagramsPerSecond);
  const median = { direct: med(of('direct')), portplex: med(of('portplex')) };
  const ratios = Array.from({ length: options.rounds }, (_, round) => {
    const d = runs.find((r) => r.round === round && r.setup === 'direct')!.datagramsPerSecond;
    const p = runs.find((r) => r.round === round && r.setup === 'portplex')!.datagramsPerSecond;
    return p / d;
  });
  const result: UdpBenchResult = { options, node: process.version, runs, median, ratios, ratio: median.portplex / median.direct };
  if (opts.out) writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** The result as a small markdown table. */
export function markdown(r: UdpBenchResult): string {
  const lines = [
    `UDP request/response, ${r.options.flows} flows x ${r.options.window} in flight, ${r.options.payload}-byte payload, ${r.options.durationMs} ms per run, Node ${r.node}`,
    '',
    '| setup | median datagrams/s | runs |',
    '|---|---:|---|',
    `| single process (direct) | ${Math.round(r.median.direct)} | ${r.runs.filter((x) => x.setup === 'direct').map((x) => Math.round(x.datagramsPerSecond)).join(', ')} |`,
    `| portplex, 2 workers | ${Math.round(r.median.portplex)} | ${r.runs.filter((x) => x.setup === 'portplex').map((x) => Math.round(x.datagramsPerSecond)).join(', ')} |`,
    '',
    `portplex / direct: ${r.ratio.toFixed(2)} (per round: ${r.ratios.map((x) => x.toFixed(2)).join(', ')})`,
  ];
  return lines.join('\n');
}

async function measure(setup: UdpRun['setup'], o: { durationMs: number; flows: number; window: number; payload: number }): Promise<{ datagramsPerSecond: number; stalls: number }> {
  const port = await freeUdpPort();
  const dir = mkdtempSync(join(tmpdir(), 'portplex-bench-'));
  const child = setup === 'direct'
    ? spawn(process.execPath, [APP], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, [CLI, '-w', '2', '-l', `udp:127.0.0.1:${port}`, '--admin', join(dir, 'admin.sock'), APP], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await waitForOutput(child, setup === 'direct' ? /udp echo on/ : /workers ready in/);
    return await load(port, o);
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Closed-loop load: replies counted over durationMs after a warm-up of a quarter of it. */
async function load(port: number, o: { durationMs: number; flows: number; window: number; payload: number }): Promise<{ datagramsPerSecond: number; stalls: number }> {
  const payload = Buffer.alloc(o.payload, 'q');
  let counting = false;
  let replies = 0;
  let stalls = 0;
  const sockets: dgram.Socket[] = [];
  const lastHeard: number[] = [];
  for (let f = 0; f < o.flows; f++) {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    s.on('error', () => {});
    s.on('message', () => {
      if (counting) replies++;
      lastHeard[f] = Date.now();
      s.send(payload, port, '127.0.0.1');
    });
    sockets.push(s);
    lastHeard.push(Date.now());
  }
  const kick = (s: dgram.Socket): void => {
    for (let i = 0; i < o.window; i++) s.send(payload, port, '127.0.0.1');
  };
  sockets.forEach(kick);
  const watchdog = setInterval(() => {
    const now = Date.now();
    sockets.forEach((s, f) => {
      if (now - lastHeard[f] > 200) {
        stalls++;
        lastHeard[f] = now;
        kick(s);
      }
    });
  }, 50);
  await sleep(Math.max(300, o.durationMs / 4));
  counting = true;
  const started = process.hrtime.bigint();
  stalls = 0;
  await sleep(o.durationMs);
  counting = false;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(watchdog);
  for (const s of sockets) s.close();
  return { datagramsPerSecond: replies / seconds, stalls };
}

function waitForOutput(child: ChildProcess, pattern: RegExp, ms = 20000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start within ${ms} ms: ${out}`)), ms);
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before it was ready: ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function med(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function parseArgs(argv: string[]): UdpBenchOptions {
  const opts: UdpBenchOptions = { out: join(ROOT, 'dist/bench/udp-result.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) throw new Error(`${a}: expected a whole number >= 1, got ${JSON.stringify(argv[i])}`);
      return v;
    };
    if (a === '--quick') opts.quick = true;
    else if (a === '--rounds') opts.rounds = num();
    else if (a === '--duration') opts.durationMs = num();
    else if (a === '--flows') opts.flows = num();
    else if (a === '--window') opts.window = num();
    else if (a === '--payload') opts.payload = num();
    else if (a === '--out') opts.out = argv[++i];
    else throw new Error(`unknown option ${a}; expected --quick, --rounds, --duration, --flows, --window, --payload, --out`);
  }
  return opts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const opts = parseArgs(process.argv.slice(2));
  runUdpBench(opts).then(
    (r) => {
      console.log(markdown(r));
      if (opts.out) console.log(`\nJSON: ${opts.out}`);
    },
    (err: Error) => {
      console.error(`bench/udp: ${err.message}`);
      process.exitCode = 1;
    },
  );
}
