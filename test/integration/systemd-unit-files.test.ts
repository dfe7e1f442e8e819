// The unit files in examples/systemd: what they must say for portplex (checked line by line),
// systemd-analyze verify on copies whose ExecStart= runs this checkout's CLI (verify wants the
// command to exist), and the service's own command line run under systemd-socket-activate with
// the socket unit's name: it serves, reloads on ExecReload='s signal and stops cleanly.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, fixture, freePort, get, portplex, ROOT, waitFor } from '../helpers/cluster.js';
import { socketActivate } from '../helpers/socket-activate.js';

const DIR = join(ROOT, 'examples/systemd');
const ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p)) ?? 'systemd-analyze';

/** Each [Section] key's values in order (a key may repeat), comments left out. */
function parseUnit(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[(\w+)\]$/.exec(line);
    if (s) {
      section = s[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    const key = `${section}.${line.slice(0, eq)}`;
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

function one(unit: Map<string, string[]>, key: string): string {
  const v = unit.get(key);
  assert.equal(v?.length, 1, `exactly one ${key}=, got ${JSON.stringify(v)}`);
  return v![0]!;
}

/** The value of flag `name` in `args`, or undefined. */
function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

const serviceText = readFileSync(join(DIR, 'portplex.service'), 'utf8');
const socketText = readFileSync(join(DIR, 'portplex.socket'), 'utf8');
const service = parseUnit(serviceText);
const socket = parseUnit(socketText);
const [execPath, ...execArgs] = one(service, 'Service.ExecStart').split(/\s+/);

test('portplex.service and portplex.socket say what portplex needs under systemd', () => {
  assert.equal(one(service, 'Service.Type'), 'notify');
  assert.equal(one(service, 'Service.NotifyAccess'), 'all', 'notify messages come from the systemd-notify program, not the main process');
  assert.equal(one(service, 'Service.KillMode'), 'mixed', 'SIGTERM to the master only; it drains the workers');
  assert.equal(one(service, 'Service.ExecReload'), '/bin/kill -HUP $MAINPID');
  assert.equal(one(service, 'Service.Restart'), 'on-failure');
  assert.match(one(service, 'Service.WatchdogSec'), /^\d+$/);
  assert.match(execPath!, /\/node_modules\/\.bin\/portplex$/, 'portplex itself, not npm or a shell');
  // TimeoutStopSec above --shutdown-delay + --grace, or systemd kills a draining master.
  const stopMs = Number(one(service, 'Service.TimeoutStopSec')) * 1000;
  const grace = Number(flag(execArgs, '--grace') ?? 10000);
  const delay = Number(flag(execArgs, '--shutdown-delay') ?? 0);
  assert.ok(stopMs >= delay + grace + 5000, `TimeoutStopSec ${stopMs} ms leaves room above --shutdown-delay ${delay} + --grace ${grace}`);
  // The service names the socket unit's socket, and needs it.
  assert.equal(flag(execArgs, '-l'), `systemd:${one(socket, 'Socket.FileDescriptorName')}`);
  assert.match(one(service, 'Unit.Requires'), /\bportplex\.socket\b/);
  assert.match(one(service, 'Unit.After'), /\bportplex\.socket\b/);
  assert.equal(socket.get('Socket.Accept'), undefined, 'Accept=no: portplex takes the listening socket');
  // The admin socket in the directory systemd makes for the service (its /tmp is private).
  assert.equal(flag(execArgs, '--admin'), `/run/${one(service, 'Service.RuntimeDirectory')}/admin.sock`);
  assert.equal(one(service, 'Service.ProtectSystem'), 'strict');
  assert.equal(service.get('Service.MemoryDenyWriteExecute'), undefined, "V8's JIT needs writable code pages");
  assert.match(serviceText, /Type=notify-reload/, 'a word on systemd 253+');
});

test('systemd-analyze verify accepts both units (ExecStart= pointed at this checkout)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-units-'));
  try {
    writeFileSync(join(dir, 'portplex.socket'), socketText);
    // verify checks that the command exists and is executable: this node, running this CLI.
    writeFileSync(join(dir, 'portplex.service'), serviceText.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath} ${CLI}`));
    const r = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(ANALYZE, ['verify', '--man=no', join(dir, 'portplex.socket'), join(dir, 'portplex.service')], (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, output: stdout + stderr });
      });
    });
    assert.deepEqual(r, { code: 0, output: '' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the service's command line, given the socket unit's socket, serves, reloads on ExecReload's signal and stops cleanly", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-units-run-'));
  const sock = join(dir, 'admin.sock');
  const port = await freePort();
  // As written, but for the admin socket's place and the application (the last argument).
  const args = execArgs.map((a, i) => (execArgs[i - 1] === '--admin' ? sock : i === execArgs.length - 1 ? fixture('http-app.js') : a));
  const run = await socketActivate([`127.0.0.1:${port}`], [process.execPath, CLI, ...args], { fdnames: [one(socket, 'Socket.FileDescriptorName')] });
  try {
    assert.equal((await get(port)).status, 200);
    await waitFor(() => /admin socket/.test(run.output()), 10000, `the master in:\n${run.output()}`);
    const status = JSON.parse((await portplex('status', '--json', '--admin', sock)).stdout) as { listeners: Array<{ origin: string; fdName?: string }> };
    assert.deepEqual(status.listeners.map((l) => [l.origin, l.fdName]), [['systemd', 'web']]);
    // ExecReload=, with $MAINPID the master.
    const reload = one(service, 'Service.ExecReload').replace('$MAINPID', String(run.child.pid)).split(' ');
    await new Promise<void>((resolve, reject) => execFile(reload[0]!, reload.slice(1), (err) => (err ? reject(err) : resolve())));
    await waitFor(() => /reloaded workers/.test(run.output()), 20000, `the reload in:\n${run.output()}`);
    assert.equal((await get(port)).status, 200);
    run.child.kill('SIGTERM');
    assert.deepEqual(await run.exited, { code: 0, signal: null }, run.output());
  } finally {
    run.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
