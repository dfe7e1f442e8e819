// --log-prefix: workers' output goes through the master line by line, the worker id in front;
// lines written in pieces by two workers at once come out whole, a long line is cut at
// logMaxLine, and the last line without a newline comes out when the worker exits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { CLI, ROOT, fixture, waitFor } from '../helpers/cluster.js';

function cli(args: string[], env: NodeJS.ProcessEnv): { stdout: () => string; stderr: () => string; kill: () => void; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
  return { stdout: () => out, stderr: () => err, kill: () => child.kill('SIGTERM'), exited: new Promise((r) => child.on('exit', (code) => r(code))) };
}

const LINES = 40;

test('--log-prefix: whole lines with the worker id in front, never mixed; long lines cut; stderr too', async () => {
  const run = cli(['-w', '2', '-l', '127.0.0.1:0', '--log-prefix', '--admin', '', fixture('chatty-app.js')], { LINES: String(LINES), LONG: '40000' });
  const ends = (): number => (run.stdout().match(/ end\n/g) ?? []).length;
  await waitFor(() => ends() === 2 * LINES && /to stderr/.test(run.stderr()) && /workers ready/.test(run.stdout()), 15000, `the workers' lines in:\n${run.stdout().slice(0, 2000)}`);
  run.kill();
  assert.equal(await run.exited, 0, run.stderr());
  const lines = run.stdout().split('\n');
  assert.equal(lines.pop(), '', 'the output ends with a whole line');
  for (const w of [1, 2]) {
    const own = lines.filter((l) => l.startsWith(`[${w}] `)).map((l) => l.slice(4));
    assert.deepEqual(own.filter((l) => l.includes(' line ')), Array.from({ length: LINES }, (_, i) => `w${w} line ${i} second piece end`), `worker ${w}'s pieces joined, in order`);
    // "w1 " + 40000 x: cut at 16384 bytes twice, the rest a line of its own.
    const long = own.filter((l) => l.includes('xxx'));
    assert.deepEqual(long.map((l) => l.length), [16384, 16384, 40003 - 2 * 16384]);
    assert.equal(long.join(''), `w${w} ${'x'.repeat(40000)}`);
    assert.ok(own.includes(`w${w} no newline at exit`), 'a last line without a newline, at exit');
    assert.match(run.stderr(), new RegExp(`^\\[${w}\\] w${w} to stderr$`, 'm'));
  }
  // Nothing else: every line is a worker's, prefixed, or the master's own.
  for (const l of lines) assert.match(l, /^(\[[12]\] (w[12] |x+$)|portplex[: ])/, l.slice(0, 200));
});

test('--log-format json: the master\'s messages and the workers\' lines as JSON objects, one a line', async () => {
  const run = cli(['-w', '2', '-l', '127.0.0.1:0', '--log-prefix', '--log-format', 'json', '--admin', '', fixture('chatty-app.js')], { LINES: '3', LONG: '20000' });
  await waitFor(() => (run.stdout().match(/ end"/g) ?? []).length === 6 && /workers ready/.test(run.stdout()), 15000, run.stdout().slice(0, 2000));
  run.kill();
  assert.equal(await run.exited, 0, run.stderr());
  const objects = run.stdout().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const master = objects.filter((o) => o.source === 'portplex');
  assert.ok(master.some((o) => /^portplex \S+: master pid \d+, 2 x /.test(String(o.msg))), JSON.stringify(master));
  assert.ok(master.some((o) => o.msg === 'stopped cleanly' && o.level === 'info'));
  for (const o of master) assert.ok(!Number.isNaN(Date.parse(String(o.time))) && o.pid === Number(o.pid));
  const worker1 = objects.filter((o) => o.worker === 1);
  assert.deepEqual(worker1.filter((o) => String(o.msg).includes(' line ')).map((o) => [o.msg, o.stream, o.group]), [0, 1, 2].map((i) => [`w1 line ${i} second piece end`, 'stdout', 'default']));
  assert.deepEqual(worker1.filter((o) => String(o.msg).includes('xxx')).map((o) => [String(o.msg).length, o.cut === true]), [[16384, true], [20003 - 16384, false]]);
  const stderr = run.stderr().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(stderr.some((o) => o.worker === 2 && o.stream === 'stderr' && o.msg === 'w2 to stderr'), run.stderr());
});
