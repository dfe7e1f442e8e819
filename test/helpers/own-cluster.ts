// Runs an application that has its own Node cluster code under the CLI with 2 workers, and
// checks what must hold for every such shape: the worker branch runs in each worker, both serve,
// the master says so in one line, and nothing forks beyond portplex's workers.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPort, fixture, freePort, get, runCli } from './cluster.js';

/** The master's line, as a test expects it for `script` (a path relative to the CLI's cwd). */
export function clusterLine(script: string): string {
  return `portplex: ${script} uses Node's cluster module: in portplex's workers it takes its worker branch (cluster.isPrimary is false, cluster.isWorker is true); portplex forks the workers and balances their connections`;
}

/** The child pids of every process, from /proc/<pid>/stat (field 4). */
function childrenOf(): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // The command name may hold spaces and parentheses: fields count from the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = out.get(ppid) ?? [];
    list.push(Number(entry));
    out.set(ppid, list);
  }
  return out;
}

/**
 * `app` (a fixture) under `portplex -w 2`, with `-l 127.0.0.1:0` when `listen` (the app listens
 * on the PORT the master gives it), else on a free port of its own that the master binds on its
 * request. `extra`: more CLI flags.
 */
export async function checkOwnClusterApp(app: string, listen: boolean, extra: string[] = []): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-own-cluster-'));
  const marker = join(dir, 'primary-ran');
  const env: NodeJS.ProcessEnv = { MARKER: marker };
  if (!listen) env.PORT = String(await freePort());
  const args = ['-w', '2', '--grace', '2000', '--admin', join(dir, 'admin.sock'), ...(listen ? ['-l', '127.0.0.1:0'] : []), ...extra, fixture(app)];
  const cli = runCli(args, env);
  try {
    const port = await cliPort(cli.output, 15000);
    if (!listen) assert.equal(port, Number(env.PORT), cli.output());
    const workers = childrenOf().get(cli.child.pid!) ?? [];
    const bodies = new Map<number, string>();
    for (let i = 0; i < 20 && bodies.size < 2; i++) {
      const { status, body } = await get(port);
      assert.equal(status, 200, body);
      const [id, pid, same] = body.trim().split(' ');
      bodies.set(Number(pid), `${id} ${same}`);
    }
    assert.deepEqual([...bodies.keys()].sort(), [...workers].sort(), `both workers answer, and they are the master's only children:\n${cli.output()}`);
    assert.deepEqual([...bodies.values()].sort(), ['1 true', '2 true'], 'cluster.worker.id is the portplex worker id; cluster.worker.process is process');
    const kids = childrenOf();
    for (const w of workers) assert.deepEqual(kids.get(w) ?? [], [], `worker pid ${w} forked nothing`);
    assert.equal(existsSync(marker), false, `the primary branch ran: ${existsSync(marker) ? readFileSync(marker, 'utf8') : ''}`);
    const lines = cli.output().split('\n').filter((l) => l.includes("uses Node's cluster module"));
    assert.deepEqual(lines, [clusterLine(`test/fixtures/${app}`)], cli.output());
  } finally {
    cli.child.kill('SIGTERM');
    const { code } = await cli.exited;
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, cli.output());
  }
}
