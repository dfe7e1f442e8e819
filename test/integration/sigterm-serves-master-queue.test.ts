// SIGTERM with connections waiting in the master's queue (every worker at --max-connections):
// they are served by the workers before these drain, not closed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, fixture, get, portplex, runCli, waitFor } from '../helpers/cluster.js';

const QUEUED = 3;

test(`SIGTERM: ${QUEUED} connections queued in the master are all answered, and it exits 0`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-queue-'));
  const sock = join(dir, 'admin.sock');
  const release = join(dir, 'release');
  // A queue timeout no busy machine reaches: the queued connections wait for the test.
  const cli = runCli(['-w', '1', '--max-connections', '1', '--queue-timeout', '60000', '-l', '127.0.0.1:0', '--admin', sock, '--grace', '10000', fixture('http-app.js')]);
  try {
    const port = await cliPort(cli.output);
    // The one connection the worker may have, busy until the test releases it.
    const slow = get(port, `/wait?until=${encodeURIComponent(release)}`);
    const queuedAnswers: Array<Promise<{ status: number; body: string }>> = [];
    let queued = 0;
    const countQueued = async (): Promise<number> => {
      const r = await portplex('connections', '--state', 'queued', '--json', '--admin', sock);
      return r.code === 0 ? (JSON.parse(r.stdout) as { records: unknown[] }).records.length : -1;
    };
    // One at a time, each seen in the queue before the next.
    for (let i = 0; i < QUEUED; i++) {
      queuedAnswers.push(get(port, `/queued-${i}`));
      const want = i + 1;
      const end = Date.now() + 10000;
      while ((queued = await countQueued()) < want && Date.now() < end);
      assert.equal(queued, want, `connection ${i} never showed as queued`);
    }
    cli.child.kill('SIGTERM');
    await waitFor(() => /SIGTERM, draining/.test(cli.output()), 10000, 'the stop');
    writeFileSync(release, '');
    const answers = await Promise.all([slow, ...queuedAnswers]);
    assert.deepEqual(answers.map((a) => a.status), new Array(QUEUED + 1).fill(200));
    assert.deepEqual(answers.slice(1).map((a) => (JSON.parse(a.body) as { path: string }).path), [0, 1, 2].map((i) => `/queued-${i}`));
    const { code } = await cli.exited;
    assert.equal(code, 0, cli.output());
  } finally {
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
