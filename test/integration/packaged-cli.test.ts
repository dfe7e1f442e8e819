// The CLI as users install it: the project packed with `npm pack`, installed into a fresh app
// directory, and run with npx under the Node running this test (the line CI is testing).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT, get, waitFor } from '../helpers/cluster.js';

const run = promisify(execFile);
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const dir = mkdtempSync(join(tmpdir(), 'portplex-packed-'));
const app = join(dir, 'app');

/**
 * This Node first on PATH, so npm, npx and the installed bin all run on it; npm's own variables
 * from the `npm test` around us are left out, so the inner npm works on the app directory alone.
 */
function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) e[k] = v;
  e.PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;
  return e;
}

/** The process group of `pid` (/proc/<pid>/stat, field 5), or 0 when it is gone. */
function processGroup(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return 0;
  }
}

before(async () => {
  // dist/ is already built by `npm test`: packing must not rebuild it under the running tests.
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, env: env() });
  const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
  await run('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'packed-app', private: true, version: '1.0.0' }));
  writeFileSync(join(app, 'app.js'), [
    "const http = require('node:http');",
    'http.createServer((req, res) => res.end(`${process.env.PORTPLEX_WORKER_ID} ${process.version}\\n`)).listen(process.env.PORT);',
    '',
  ].join('\n'));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, filename)], { cwd: app, env: env() });
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('npx portplex --version prints the package version', async () => {
  const { stdout } = await run('npx', ['portplex', '--version'], { cwd: app, env: env() });
  assert.equal(stdout.trim(), version);
});

test('npx portplex --help shows the usage and the options', async () => {
  const { stdout } = await run('npx', ['portplex', '--help'], { cwd: app, env: env() });
  assert.match(stdout, /^Usage: portplex \[options\] \[command\] \[script\] \[args\.\.\.\]/m);
  for (const option of ['--workers', '--listen', '--algorithm', '--metrics']) assert.ok(stdout.includes(option), option);
});

test('the package ships the systemd unit files, and the bin their ExecStart= names is executable', async () => {
  const pkg = join(app, 'node_modules/portplex');
  for (const f of ['examples/systemd/portplex.service', 'examples/systemd/portplex.socket']) {
    assert.equal(readFileSync(join(pkg, f), 'utf8'), readFileSync(join(ROOT, f), 'utf8'), f);
  }
  const bin = /^ExecStart=\/srv\/app\/(\S+)/m.exec(readFileSync(join(pkg, 'examples/systemd/portplex.service'), 'utf8'))?.[1];
  assert.equal(bin, 'node_modules/.bin/portplex');
  const { stdout } = await run(join(app, bin), ['--version'], { cwd: app, env: env() });
  assert.equal(stdout.trim(), version);
});

test('npx portplex -w 2 app.js serves an unmodified app from both workers, then stops cleanly', async () => {
  const child = spawn('npx', ['portplex', '-w', '2', '-l', '127.0.0.1:0', '--admin', join(dir, 'admin.sock'), 'app.js'], {
    cwd: app, env: env(), stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  // The pipes close once every process holding them (npx, the master, its workers) is gone.
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  try {
    let port = 0;
    await waitFor(() => {
      port = Number(/listening on 127\.0\.0\.1:(\d+) /.exec(output)?.[1] ?? 0);
      return port > 0 && output.includes('2/2 workers ready');
    }, 30000, `the master's ready line in:\n${output}`);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await get(port)).body.trim());
    assert.deepEqual(answers.sort(), [`1 ${process.version}`, `1 ${process.version}`, `2 ${process.version}`, `2 ${process.version}`]);
  } finally {
    // The master npx started, as an operator would stop it: by its pid, checked to be in the
    // process group we gave npx (its workers are drained by the master).
    const master = Number(/master pid (\d+)/.exec(output)?.[1] ?? 0);
    if (master > 0 && child.pid !== undefined && processGroup(master) === child.pid) process.kill(master, 'SIGTERM');
    else if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
  }
  await closed;
  assert.match(output, /portplex: stopped cleanly/);
});
