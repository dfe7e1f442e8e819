// PM2 for one benchmark run: the `pm2` on PATH, or else one installed into a temporary directory
// for this run only (never into the project), always with a PM2_HOME of its own so that a user's
// PM2 processes are neither seen nor touched. Closing kills its daemon and removes what it made.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

export interface Pm2 {
  /** Where it comes from: `on PATH (<path>)` or `installed for this run`. */
  source: string;
  version: string;
  /** This run's PM2_HOME (its daemon's log is pm2.log there). */
  home: string;
  /** Runs `pm2 ...args` with `env` added; a daemon this starts inherits that environment. */
  run(args: string[], env?: Record<string, string>): Promise<string>;
  /** `pm2 kill`: stops the daemon and every process it runs. */
  kill(): Promise<void>;
  /** Kills the daemon and removes the directories made for this run. */
  close(): Promise<void>;
}

/** The pm2 script on PATH (its real path, a JavaScript file run with this node), or null. */
export function pm2OnPath(path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    const bin = join(dir, 'pm2');
    if (dir !== '' && existsSync(bin)) return realpathSync(bin);
  }
  return null;
}

function exec(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')}: ${err.message.split('\n')[0]}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

/** The version in the package.json above `bin` (…/pm2/bin/pm2), or '?'. */
function versionOf(bin: string): string {
  try {
    return (JSON.parse(readFileSync(join(dirname(dirname(bin)), 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

/**
 * PM2 ready to run, or why not: found on PATH, else `npm install --prefix <tmp> pm2` (the
 * install's failure, offline for one, is a reason to skip, never an error of the run).
 */
export async function preparePm2(log: (line: string) => void = () => {}): Promise<Pm2 | { skipped: string }> {
  const made: string[] = [];
  const removeMade = (): void => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  };
  let bin = pm2OnPath();
  let source = bin ? `on PATH (${bin})` : '';
  if (!bin) {
    const prefix = mkdtempSync(join(tmpdir(), 'portplex-pm2-install-'));
    made.push(prefix);
    log(`pm2 is not on PATH: installing it into ${prefix} for this run`);
    try {
      await exec('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', 'pm2'], process.env, 300_000);
    } catch (err) {
      removeMade();
      return { skipped: `pm2 is not on PATH and could not be installed for the run (${(err as Error).message.split('\n')[0]})` };
    }
    bin = join(prefix, 'node_modules', 'pm2', 'bin', 'pm2');
    if (!existsSync(bin)) {
      removeMade();
      return { skipped: `npm installed pm2 but ${bin} is missing` };
    }
    source = 'installed for this run';
  }
  const home = mkdtempSync(join(tmpdir(), 'portplex-pm2-home-'));
  made.push(home);
  const script = bin;
  const envOf = (env: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, ...env, PM2_HOME: home });
  // If the run ends on an error or a signal, the daemon and its applications must not outlive it.
  const killSync = (): void => {
    if (existsSync(join(home, 'pm2.pid'))) spawnSync(process.execPath, [script, 'kill'], { env: envOf({}), stdio: 'ignore', timeout: 20_000 });
  };
  process.on('exit', killSync);
  const kill = async (): Promise<void> => {
    if (existsSync(join(home, 'pm2.pid'))) await exec(process.execPath, [script, 'kill'], envOf({}), 60_000).catch(() => '');
  };
  return {
    source,
    version: versionOf(bin),
    home,
    run: (args, env = {}) => exec(process.execPath, [script, ...args], envOf(env), 60_000),
    kill,
    async close() {
      await kill();
      process.off('exit', killSync);
      removeMade();
    },
  };
}
