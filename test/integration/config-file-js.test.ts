// `portplex -c portplex.config.mjs` and `-c portplex.config.cjs`: portplex's own config written
// in JavaScript, an ES module's default export and a CommonJS function export, each read from the
// master's environment, served by the workers it describes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPort, fixture, get, runCli } from '../helpers/cluster.js';

const FILES: Record<string, string> = {
  'portplex.config.mjs': `export default {
  script: ${JSON.stringify(fixture('http-app.js'))},
  workers: Number(process.env.TEST_WORKERS),
  listen: '127.0.0.1:0',
  groups: { web: {} },
};
`,
  'portplex.config.cjs': `module.exports = () => ({
  script: ${JSON.stringify(fixture('http-app.js'))},
  workers: Number(process.env.TEST_WORKERS),
  listen: '127.0.0.1:0',
  groups: { web: {} },
});
`,
};

for (const [name, text] of Object.entries(FILES)) {
  test(`-c ${name}: the exported config is served, ${name.endsWith('.mjs') ? 'export default' : 'a module.exports function'}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portplex-js-config-'));
    writeFileSync(join(dir, name), text);
    const cli = runCli(['-c', join(dir, name), '--admin', join(dir, 'admin.sock')], { TEST_WORKERS: '3' });
    try {
      const port = await cliPort(cli.output, 20000);
      assert.match(cli.output(), /3\/3 workers ready in/);
      const workers = new Set<number>();
      for (let i = 0; i < 3; i++) {
        const r = await get(port);
        const body = JSON.parse(r.body) as { worker: number; group: string };
        assert.equal(body.group, 'web');
        workers.add(body.worker);
      }
      assert.ok(workers.size >= 1 && [...workers].every((w) => w >= 1 && w <= 3), [...workers].join(','));
      cli.child.kill('SIGTERM');
      assert.equal((await cli.exited).code, 0, cli.output());
    } finally {
      cli.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
