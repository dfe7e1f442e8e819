// Child processes of a benchmark run: every one is tracked and killed when the runner exits,
// however it exits; plus the small waits a setup needs (a free port, a line, an HTTP answer).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

let hooked = false;

/** Kills every tracked child on exit, Ctrl-C, SIGTERM or a crash of the runner. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** A tracked child with its output kept for error messages. */
export interface Proc {
  child: ChildProcess;
  pid: number;
  /** stdout and stderr so far (the last 64 KiB). */
  output(): string;
  exited: Promise<number | null>;
}

/** Spawns a tracked child; it is SIGKILLed if the runner exits first. */
export function start(command: string, args: string[], options: SpawnOptions = {}): Proc {
  hookExit();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  live.add(child);
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString('utf8')).slice(-65536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? (signal ? 128 : null));
    });
    child.on('error', (err) => {
      live.delete(child);
      out += `\n${err.message}`;
      resolve(null);
    });
  });
  return { child, pid: child.pid ?? -1, output: () => out, exited };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stop(proc: Proc, graceMs = 3000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}

/**
 * Runs `wait`; if it fails or `proc` exits first, stops `proc` and rethrows: by default the error
 * with the process's output appended, or what `explain` makes of both.
 */
export async function readyOrStop(proc: Proc, wait: () => Promise<unknown>, explain = (err: Error, output: string): Error => new Error(`${err.message}\n${output}`)): Promise<void> {
  let waiting = true;
  const died = proc.exited.then((code) => {
    if (waiting) throw new Error(`exited with status ${code}`);
  });
  died.catch(() => {});
  try {
    await Promise.race([wait(), died]);
  } catch (err) {
    await stop(proc);
    throw explain(err as Error, proc.output());
  } finally {
    waiting = false;
  }
}

/** Resolves when the child's output matches `pattern`; rejects if it exits or `ms` pass first. */
export function waitForOutput(proc: Proc, pattern: RegExp, ms = 15000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = pattern.exec(proc.output());
      if (m) {
        done();
        resolve(m);
      }
      return m !== null;
    };
    const onExit = (): void => {
      done();
      reject(new Error(`exited before printing ${pattern}:\n${proc.output()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no ${pattern} within ${ms} ms:\n${proc.output()}`));
    }, ms);
    const done = (): void => {
      clearTimeout(timer);
      proc.child.stdout?.off('data', check);
      proc.child.stderr?.off('data', check);
      proc.child.off('exit', onExit);
    };
    if (check()) return;
    // Listeners added after start()'s own, so output() already holds the new chunk.
    proc.child.stdout?.on('data', check);
    proc.child.stderr?.on('data', check);
    proc.child.once('exit', onExit);
  });
}

/** A port free on 127.0.0.1 right now (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls GET http://127.0.0.1:port/ until it answers 200, or fails after `ms`. */
export async function waitHttp(port: number, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(1000, () => req.destroy());
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing answered on 127.0.0.1:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
