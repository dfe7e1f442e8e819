// What the `portplex top` integration tests share: a real master with held connections as its
// load, top in a real tmux pane, the pane's worker rows read back, and status samples to hold
// them against.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminRequest } from '../../src/admin/client.js';
import { CLI, cliPort, fixture, portplex, runCli } from './cluster.js';
import { startPane, tmuxSocket, type Pane } from './tmux.js';

export interface StatusWorker { id: number; group: string; pid: number; state: string; healthy: boolean; weight: number; active: number; connectionsPerSecond: number }

export interface TopRig {
  sock: string;
  pane: Pane;
  /** top's exit status once it has exited (the shell in the pane writes it), else undefined. */
  exitCode(): number | undefined;
  /** Every status answer the sampler got, with the time it was asked for. */
  samples: Array<{ at: number; workers: StatusWorker[] }>;
  close(): Promise<void>;
}

/**
 * A master of 4 workers of the HTTP fixture; a new connection to it every 250 ms, held open (so
 * that each worker's active count only grows, one a second, and conn/s is above 0); a sampler
 * reading status every 50 ms; and top in a tmux pane of `columns` x `rows`.
 */
export async function topRig(name: string, columns: number, rows: number, interval = 500): Promise<TopRig> {
  const dir = mkdtempSync(join(tmpdir(), `portplex-top-${name}-`));
  const sock = join(dir, 'admin.sock');
  const codeFile = join(dir, 'code');
  const cli = runCli(['-w', '4', '-l', '127.0.0.1:0', '--admin', sock, fixture('http-app.js')]);
  const held: net.Socket[] = [];
  const samples: TopRig['samples'] = [];
  let running = true;
  let pane: Pane | undefined;
  const close = async (): Promise<void> => {
    running = false;
    await pane?.kill();
    for (const s of held) s.destroy();
    cli.child.kill('SIGTERM');
    await cli.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await cliPort(cli.output);
    void (async () => {
      while (running && held.length < 200) {
        const s = net.connect(port, '127.0.0.1');
        s.on('error', () => {});
        held.push(s);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    void (async () => {
      while (running) {
        const at = Date.now();
        try {
          const s = (await adminRequest(sock, { cmd: 'status' })) as { workers: StatusWorker[] };
          samples.push({ at, workers: s.workers });
        } catch {
          // The master is stopping at the end of the test.
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // NO_COLOR from the environment the tests run in would turn the colours off.
    const command = `env -u NO_COLOR -u FORCE_COLOR '${process.execPath}' '${CLI}' top --admin '${sock}' --interval ${interval}; echo $? > '${codeFile}'; sleep 600`;
    pane = await startPane(tmuxSocket(name), columns, rows, command);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    sock,
    pane,
    samples,
    exitCode: () => {
      try {
        return Number(readFileSync(codeFile, 'utf8').trim());
      } catch {
        return undefined;
      }
    },
    close,
  };
}

/** `portplex status --json` through the CLI. */
export async function statusJson(sock: string): Promise<{ workers: StatusWorker[] }> {
  const r = await portplex('status', '--json', '--admin', sock);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { workers: StatusWorker[] };
}

export interface PaneRow { selected: boolean; id: number; group?: string; pid: number; state: string; health: string; weight: number; active: number; connPerSecond: number }

/** The worker rows of a pane, by the header's columns (group is there only when wide enough); none before the table shows. */
export function paneRows(text: string): PaneRow[] {
  const lines = text.split('\n');
  const header = lines.find((l) => /^ +id +(group +)?pid +state +health +weight +active +conn\/s/.test(l));
  if (header === undefined) return [];
  const grouped = /^ +id +group /.test(header);
  const re = grouped
    ? /^([ >]) +(\d+) +(\S+) +(\d+) +(\S+) +(up|DOWN) +(\d+) +(\d+) +([\d.]+|-)(?: |$)/
    : /^([ >]) +(\d+)() +(\d+) +(\S+) +(up|DOWN) +(\d+) +(\d+) +([\d.]+|-)(?: |$)/;
  const rows: PaneRow[] = [];
  for (const l of lines) {
    const m = re.exec(l);
    if (!m) continue;
    rows.push({
      selected: m[1] === '>', id: Number(m[2]), group: grouped ? m[3] : undefined, pid: Number(m[4]), state: m[5]!, health: m[6]!,
      weight: Number(m[7]), active: Number(m[8]), connPerSecond: m[9] === '-' ? -1 : Number(m[9]),
    });
  }
  return rows;
}

/**
 * Holds the pane's rows against status: every worker of `after` (a status taken right after the
 * capture) has its row; its pid, state, health and weight are those of the status taken just
 * before the capture or of `after`; its active and conn/s, a value some status sample had in the
 * `interval` + 2 s before the capture, or `after`'s.
 */
export function assertAgrees(rows: PaneRow[], capturedAt: number, samples: TopRig['samples'], before: { workers: StatusWorker[] }, after: { workers: StatusWorker[] }, interval: number, text: string): void {
  assert.equal(rows.length, after.workers.length, `one row per worker:\n${text}`);
  const window = samples.filter((s) => s.at >= capturedAt - interval - 2000).map((s) => s.workers);
  for (const w of after.workers) {
    const row = rows.find((r) => r.id === w.id);
    assert.ok(row, `worker ${w.id} has no row:\n${text}`);
    const was = before.workers.find((x) => x.id === w.id);
    const stable = (field: 'pid' | 'state' | 'weight', shown: unknown): void => {
      assert.ok(shown === w[field] || shown === was?.[field], `worker ${w.id}: ${field} ${String(shown)} in the pane, ${String(was?.[field])} before and ${String(w[field])} after:\n${text}`);
    };
    stable('pid', row.pid);
    stable('state', row.state);
    stable('weight', row.weight);
    assert.ok(row.health === (w.healthy ? 'up' : 'DOWN') || row.health === (was?.healthy ? 'up' : 'DOWN'), `worker ${w.id}: health ${row.health}`);
    if (row.group !== undefined) assert.equal(row.group, w.group);
    const seen = (pick: (x: StatusWorker) => number): number[] => [...window, after.workers].map((ws) => ws.find((x) => x.id === w.id)).filter((x) => x !== undefined).map(pick);
    const active = seen((x) => x.active);
    assert.ok(active.includes(row.active), `worker ${w.id}: ${row.active} active in the pane, the status samples had ${[...new Set(active)].join(', ')}:\n${text}`);
    const rates = seen((x) => x.connectionsPerSecond);
    const shownRate = (v: number): string => (v >= 100 ? String(Math.round(v)) : v.toFixed(1));
    assert.ok(rates.some((r) => Number(shownRate(r)) === row.connPerSecond), `worker ${w.id}: ${row.connPerSecond} conn/s in the pane, the status samples had ${[...new Set(rates)].join(', ')}:\n${text}`);
  }
}
