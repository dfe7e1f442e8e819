// `portplex -c ecosystem.config.js`: a PM2 ecosystem file as PM2's documentation writes one
// (CommonJS, module.exports, a cluster-mode HTTP app of 2 instances listening on PORT) is served
// as written: 2 worker processes answer real requests, with the app's args, env, env_production,
// node_args and wait_ready; a key with no meaning here gives one warning; a fork-mode app is refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, get, handedOver, portplex, runCli, waitFor } from '../helpers/cluster.js';

/** A CommonJS HTTP app as PM2 users run it: it listens on PORT and tells PM2 it is ready. */
const APP = `const http = require('http');
http.createServer((req, res) => {
  res.end(JSON.stringify({ pid: process.pid, env: process.env.NODE_ENV, args: process.argv.slice(2), execArgv: process.execArgv.filter((a) => a.startsWith('--max-old')) }));
}).listen(process.env.PORT, () => process.send('ready'));
`;

test('a PM2 ecosystem file: the cluster-mode app of 2 instances answers from 2 pids, as configured', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-ecosystem-'));
  const sock = join(dir, 'admin.sock');
  const port = await freePort();
  writeFileSync(join(dir, 'api.js'), APP);
  writeFileSync(join(dir, 'ecosystem.config.js'), `module.exports = {
  apps: [{
    name: 'api',
    script: './api.js',
    args: '--color --title "the api"',
    instances: 2,
    exec_mode: 'cluster',
    node_args: '--max-old-space-size=200',
    wait_ready: true,
    listen_timeout: 10000,
    kill_timeout: 3000,
    watch: false,
    env: { NODE_ENV: 'development', PORT: ${port} },
    env_production: { NODE_ENV: 'production' },
  }],
};
`);
  const cli = runCli(['-c', join(dir, 'ecosystem.config.js'), '--env', 'production', '--admin', sock]);
  try {
    await waitFor(() => /2\/2 workers ready in/.test(cli.output()), 20000, `2 ready workers in:\n${cli.output()}`);
    assert.match(cli.output(), /ecosystem\.config\.js: PM2 keys portplex does not use, ignored: apps\[0\]\.watch\n/);
    assert.equal(cli.output().match(/ignored:/g)?.length, 1, 'one warning line');
    assert.match(cli.output(), new RegExp(`listening on \\S+:${port} \\(tcp\\) -> group api, round-robin, asked by the app`));
    const answers: Array<{ pid: number; env: string; args: string[]; execArgv: string[] }> = [];
    for (let i = 0; i < 4; i++) {
      const r = await get(port);
      assert.equal(r.status, 200);
      answers.push(JSON.parse(r.body));
      // Round-robin's order holds for complete hand-overs (see the ownership rules).
      await handedOver(sock, i + 1);
    }
    const pids = [...new Set(answers.map((a) => a.pid))];
    assert.equal(pids.length, 2, `two worker processes answered: ${JSON.stringify(answers)}`);
    assert.deepEqual(answers.map((a) => a.pid), [pids[0], pids[1], pids[0], pids[1]], 'round-robin over the 2 instances');
    for (const a of answers) {
      assert.equal(a.env, 'production', 'env_production over env (--env production)');
      assert.deepEqual(a.args, ['--color', '--title', 'the api']);
      assert.deepEqual(a.execArgv, ['--max-old-space-size=200']);
    }
    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { workers: Array<{ group: string; pid: number }> };
    assert.deepEqual(status.workers.map((w) => w.group), ['api', 'api']);
    assert.deepEqual(status.workers.map((w) => w.pid).sort(), pids.sort());
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0, cli.output());
  } finally {
    cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an ecosystem file with a fork-mode app: exit 2 naming the app, nothing started', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-ecosystem-fork-'));
  try {
    writeFileSync(join(dir, 'api.js'), APP);
    writeFileSync(join(dir, 'ecosystem.config.cjs'), `module.exports = { apps: [
  { name: 'api', script: 'api.js', instances: 'max', exec_mode: 'cluster' },
  { name: 'mailer', script: 'api.js' },
] };`);
    const r = await portplex('-c', join(dir, 'ecosystem.config.cjs'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^portplex: apps\[1\]\.exec_mode: app "mailer" is a fork-mode app \(no exec_mode and no instances: PM2 runs it in fork mode\)\. portplex serves cluster-mode apps: .* \[PORTPLEX_FORK_MODE\]\n$/);
    assert.equal(r.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
