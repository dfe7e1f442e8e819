// top's loop on a terminal it is given (streams that say they are a TTY) and a fake master: the
// screen it enters and always leaves, the keys it acts on, the master going away, a signal.
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { ENTER, LEAVE } from '../../../../src/cli/top/ansi.js';
import { top } from '../../../../src/cli/top/loop.js';
import { fakeMaster, type FakeMaster } from './fake-master.js';
import { events, status } from './frames.js';

class Screen extends Writable {
  isTTY = true;
  columns = 80;
  rows = 24;
  text = '';
  hasColors(): boolean {
    return true;
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

class Keyboard extends PassThrough {
  isTTY = true;
  raw: boolean[] = [];
  setRawMode(on: boolean): this {
    this.raw.push(on);
    return this;
  }
}

function terminal(): { stdin: Keyboard; stdout: Screen; env: NodeJS.ProcessEnv } {
  return { stdin: new Keyboard(), stdout: new Screen(), env: {} };
}

async function until(what: string, predicate: () => boolean): Promise<void> {
  for (const end = Date.now() + 10000; !predicate();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function master(): Promise<FakeMaster> {
  const weights = new Map<number, number>();
  return fakeMaster((r) => {
    if (r.cmd === 'events') return { events: events(3), last: 3 };
    if (r.cmd === 'drain' || r.cmd === 'undrain') {
      weights.set(r.worker as number, r.cmd === 'drain' ? 0 : 1);
      return { id: r.worker, pid: 20000 + (r.worker as number), weight: weights.get(r.worker as number), active: 0 };
    }
    if (r.cmd === 'reload') return { replaced: [1, 2, 3, 4] };
    const s = status();
    for (const w of s.workers) w.weight = weights.get(w.id) ?? 1;
    return s;
  });
}

test('loop: the alternate screen while it runs; j j d drains worker 3, u undrains it; q leaves and restores', async () => {
  const m = await master();
  const io = terminal();
  try {
    const done = top({ admin: m.path, interval: 100 }, io);
    await until('the first frame', () => io.stdout.text.includes('20004'));
    assert.ok(io.stdout.text.startsWith(ENTER));
    assert.deepEqual(io.stdin.raw, [true]);
    io.stdin.write('jjd');
    await until('the drain', () => m.requests.some((r) => r.cmd === 'drain'));
    assert.deepEqual(m.requests.find((r) => r.cmd === 'drain'), { cmd: 'drain', worker: 3 });
    await until('its answer on the bottom line', () => io.stdout.text.includes('drain: worker 3 (pid 20003) weight 0, draining, 0 active'));
    io.stdin.write('u');
    await until('the undrain', () => m.requests.some((r) => r.cmd === 'undrain'));
    assert.deepEqual(m.requests.find((r) => r.cmd === 'undrain'), { cmd: 'undrain', worker: 3 });
    // r asks first; n does nothing, y reloads.
    io.stdin.write('r');
    await until('the question', () => io.stdout.text.includes('reload: replace every worker, one at a time? y/n'));
    io.stdin.write('n');
    await until('the answer', () => io.stdout.text.includes('reload: not asked'));
    assert.equal(m.requests.filter((r) => r.cmd === 'reload').length, 0);
    io.stdin.write('ry');
    await until('the reload', () => io.stdout.text.includes('reload: replaced workers 1, 2, 3, 4'));
    assert.equal(m.requests.filter((r) => r.cmd === 'reload').length, 1);
    const before = io.stdout.text.length;
    io.stdin.write('q');
    await done;
    assert.ok(io.stdout.text.endsWith(LEAVE), JSON.stringify(io.stdout.text.slice(before)));
    assert.deepEqual(io.stdin.raw, [true, false]);
  } finally {
    await m.close();
  }
});

test('loop: the master going away ends top with PORTPLEX_NOT_RUNNING, the terminal restored', async () => {
  const m = await master();
  const io = terminal();
  const done = top({ admin: m.path, interval: 50 }, io);
  await until('the first frame', () => io.stdout.text.includes('20004'));
  await m.close();
  await assert.rejects(done, { code: 'PORTPLEX_NOT_RUNNING', message: /^top: the master stopped answering: cannot reach the admin socket / });
  assert.ok(io.stdout.text.endsWith(LEAVE));
  assert.deepEqual(io.stdin.raw, [true, false]);
});

test('loop: SIGTERM restores the terminal and sets the exit status 143', async () => {
  const m = await master();
  const io = terminal();
  try {
    const done = top({ admin: m.path, interval: 100 }, io);
    await until('the first frame', () => io.stdout.text.includes('20004'));
    process.emit('SIGTERM', 'SIGTERM');
    await done;
    assert.equal(process.exitCode, 143);
    process.exitCode = 0;
    assert.ok(io.stdout.text.endsWith(LEAVE));
    assert.equal(process.listenerCount('SIGTERM'), 0, 'its handler is gone');
  } finally {
    await m.close();
  }
});

test('loop: a resize draws a frame of the new size at once', async () => {
  const m = await master();
  const io = terminal();
  try {
    const done = top({ admin: m.path, interval: 60000 }, io);
    await until('the first frame', () => io.stdout.text.includes('20004'));
    assert.doesNotMatch(io.stdout.text, /restarts/);
    io.stdout.columns = 200;
    io.stdout.rows = 50;
    io.stdout.emit('resize');
    assert.match(io.stdout.text.replace(/\x1b\[[0-9;]*m/g, ''), /restarts +uptime/);
    io.stdin.write('\x03');
    await done;
  } finally {
    await m.close();
  }
});

test('loop: NO_COLOR set: no colour on a terminal that has it', async () => {
  const m = await master();
  const io = { ...terminal(), env: { NO_COLOR: '1' } };
  try {
    const done = top({ admin: m.path, interval: 60000 }, io);
    await until('the first frame', () => io.stdout.text.includes('20004'));
    io.stdin.write('q');
    await done;
    // Only the reset in LEAVE: no style is ever set.
    assert.deepEqual(io.stdout.text.match(/\x1b\[[0-9;]*m/g), ['\x1b[0m']);
  } finally {
    await m.close();
  }
});

test('loop: stdout not a terminal: one plain frame, every worker, no escape code', async () => {
  const m = await master();
  const out = new Screen();
  out.isTTY = false;
  try {
    await top({ admin: m.path, interval: 1000 }, { stdin: new Keyboard(), stdout: out, env: {} });
    assert.doesNotMatch(out.text, /\x1b/);
    const lines = out.text.trimEnd().split('\n');
    assert.match(lines[0]!, /^portplex 0\.1\.0 +master 1000 serving/);
    assert.equal(lines.filter((l) => /^ +\d +default +200\d\d +ready /.test(l)).length, 4);
    assert.match(lines.at(-1)!, /event 3$/);
    assert.ok(!lines.some((l) => l.startsWith('>')), 'no selection in a pipe');
  } finally {
    await m.close();
  }
});
