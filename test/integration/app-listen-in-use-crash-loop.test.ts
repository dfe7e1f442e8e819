// Without -l the master binds the app's own listen() for it: a port in use by another process
// is logged with the call, the address and the errno, each crash names it, and the crash loop
// that ends the master (exit status 4) says it last.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, runCli } from '../helpers/cluster.js';

test("the app's listen() of a port in use: logged, named by each exit and by the crash loop's last line", async () => {
  const other = net.createServer();
  await new Promise<void>((resolve) => other.listen({ port: 0, host: '::' }, resolve));
  const port = (other.address() as net.AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'portplex-in-use-'));
  try {
    const cli = runCli(['-w', '1', '--max-restarts', '1', '--admin', join(dir, 'admin.sock'), fixture('listen-or-crash-app.js')], { APP_PORT: String(port) });
    const { code } = await cli.exited;
    assert.equal(code, 4, cli.output());
    const failure = `the app's listen(${port}) failed: EADDRINUSE *:${port} is in use by another process`;
    const lines = cli.output().split('\n').filter((l) => l.startsWith('portplex: worker 1'));
    const pids = lines.filter((l) => l.includes(') exited')).map((l) => /\(pid (\d+)\)/.exec(l)![1]);
    assert.equal(pids.length, 2, cli.output());
    assert.deepEqual(lines.slice(0, 4), [
      `portplex: worker 1: ${failure}`,
      `portplex: worker 1 (pid ${pids[0]}) exited with code 1; ${failure}`,
      `portplex: worker 1: ${failure}`,
      `portplex: worker 1 (pid ${pids[1]}) exited with code 1; ${failure}`,
    ], cli.output());
    const last = cli.output().trimEnd().split('\n').at(-1);
    assert.match(last!, /^portplex: worker 1 \(.*listen-or-crash-app\.js\) died 2 times in a row before it had been up 1000 ms \(last: it (.*)\); giving up/, cli.output());
    assert.equal(/\(last: it (.*)\); giving up/.exec(last!)![1], `exited with code 1; ${failure}`);
  } finally {
    other.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
