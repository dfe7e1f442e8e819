// `portplex -w 2 app.ts` on every Node line: where Node strips types by default (22.18+, 23.6+,
// 24, 26: process.features.typescript is "strip") both workers serve the TypeScript app; where it
// does not (20), the CLI stops at start with exit 2 and says what to do, before any fork.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, get, runCli } from '../helpers/cluster.js';

const APP = `import http from 'node:http';

interface Reply {
  worker: string;
  typed: boolean;
}

const port: number = Number(process.env.PORT);
http.createServer((_req, res) => {
  const reply: Reply = { worker: process.env.PORTPLEX_WORKER_ID ?? '?', typed: true };
  res.end(JSON.stringify(reply));
}).listen(port);
`;

const strips = Boolean((process.features as { typescript?: string | false }).typescript);

test(`a .ts script on Node ${process.version} (${strips ? 'types stripped' : 'no type stripping'})`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-ts-'));
  writeFileSync(join(dir, 'app.ts'), APP);
  const cli = runCli(['-w', '2', '-l', '127.0.0.1:0', '--admin', join(dir, 'admin.sock'), join(dir, 'app.ts')]);
  try {
    if (!strips) {
      const { code } = await cli.exited;
      assert.equal(code, 2, cli.output());
      assert.match(cli.output(), new RegExp(`script: .*app\\.ts is TypeScript, and Node ${process.version.replace(/\./g, '\\.')} does not strip types by default: run portplex on Node 22\\.18 or later .*--node-args "--import tsx" .*\\[PORTPLEX_TYPESCRIPT_UNSUPPORTED\\]`));
      // Stopped before anything was bound or forked.
      assert.doesNotMatch(cli.output(), /listening on|ERR_UNKNOWN_FILE_EXTENSION/);
      return;
    }
    const port = await cliPort(cli.output);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const { status, body } = await get(port);
      assert.equal(status, 200);
      const reply = JSON.parse(body) as { worker: string; typed: boolean };
      assert.equal(reply.typed, true);
      seen.add(reply.worker);
    }
    // Round-robin: four requests on new connections reach both workers.
    assert.deepEqual([...seen].sort(), ['1', '2']);
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
  } finally {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with a loader among the workers\' Node options the extension is left to the loader', async () => {
  // A hook that is no TypeScript loader: on a Node without stripping, the worker then fails as
  // Node would fail it (the start check stood aside); with stripping, it serves.
  const dir = mkdtempSync(join(tmpdir(), 'portplex-ts-'));
  writeFileSync(join(dir, 'app.ts'), APP);
  writeFileSync(join(dir, 'hook.mjs'), 'globalThis.hooked = true;\n');
  const cli = runCli(['-w', '1', '-l', '127.0.0.1:0', '--max-restarts', '0', '--admin', join(dir, 'admin.sock'), '--node-args', `--import ${join(dir, 'hook.mjs')}`, join(dir, 'app.ts')]);
  try {
    if (!strips) {
      const { code } = await cli.exited;
      assert.equal(code, 4, cli.output());
      assert.match(cli.output(), /ERR_UNKNOWN_FILE_EXTENSION/);
      assert.doesNotMatch(cli.output(), /PORTPLEX_TYPESCRIPT_UNSUPPORTED/);
      return;
    }
    const port = await cliPort(cli.output);
    assert.equal(JSON.parse((await get(port)).body).typed, true);
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
  } finally {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
